import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';

import type { ChatMessage } from '../../core/api/models';
import { SupportService } from '../../core/api/support.service';
import { ChatSocket, ClientFrame, WEB_SOCKET_FACTORY, reconnectDelay } from './chat-socket';
import { ChatThread, mergeMessages } from './chat-thread';
import { FakeSocket } from '../../testing/fake-socket';


const ME = 'client-1';
const SUPPORT = 'support-1';
const message = (seq: number, overrides: Partial<ChatMessage> = {}): ChatMessage => ({
  id: `m${seq}`,
  conversationId: 'c1',
  seq,
  senderId: seq % 2 ? ME : SUPPORT,
  senderRole: seq % 2 ? 'client' : 'support',
  kind: 'text',
  body: `message ${seq}`,
  clientMsgId: null,
  createdAt: '2026-12-01T10:00:00Z',
  deliveredAt: null,
  readAt: null,
  ...overrides,
});

describe('chat', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    FakeSocket.all = [];
    vi.useFakeTimers();
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        ChatSocket,
        { provide: WEB_SOCKET_FACTORY, useValue: (url: string) => new FakeSocket(url) as unknown as WebSocket },
      ],
    });
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => {
    vi.useRealTimers();
    http.verify();
  });

  /** A thread whose history (`history`) is loaded and whose socket is open. */
  async function started(history: ChatMessage[]) {
    const socket = TestBed.inject(ChatSocket);
    const thread = new ChatThread('c1', ME, TestBed.inject(SupportService), socket);
    thread.start();
    http.expectOne('/api/v1/support/conversations/c1').flush({
      id: 'c1', subject: 'Driver', status: 'assigned', clientId: ME, assigneeId: SUPPORT, lastMessageAt: '2026-12-01T10:00:00Z', createdAt: '2026-12-01T10:00:00Z',
    });
    http.expectOne((r) => r.url === '/api/v1/support/conversations/c1/messages').flush({ items: history, nextCursor: null });
    await ticket('t1');
    FakeSocket.all.at(-1)!.open();
    return { socket, thread, ws: () => FakeSocket.all.at(-1)! };
  }

  async function ticket(value: string) {
    await vi.advanceTimersByTimeAsync(0);
    http.expectOne({ method: 'POST', url: '/api/v1/support/ws-tickets' }).flush({ ticket: value, expiresAt: '2026-12-01T10:00:30Z' });
    await vi.advanceTimersByTimeAsync(0);
  }

  it('merges messages by id in conversation order, keeping the marks already known', () => {
    const merged = mergeMessages([message(2, { readAt: '2026-12-01T10:01:00Z' }), message(1)], [message(3), message(2)]);
    expect(merged.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(merged[1].readAt).toBe('2026-12-01T10:01:00Z');
  });

  it('subscribes after the history, with a one-time ticket, from the last message loaded', async () => {
    const { ws } = await started([message(1), message(2)]);
    expect(ws().url).toMatch(/\/api\/v1\/support\/ws\?ticket=t1$/);
    expect(ws().sent[0]).toEqual({ type: 'subscribe', conversationId: 'c1', afterMessageId: 'm2' });
    // Support's message arrived: read at once while the page is visible.
    expect(ws().sent).toContainEqual({ type: 'message.read', conversationId: 'c1', messageId: 'm2' });
  });

  it('shows live messages, delivered and read marks on ours, and the other side typing', async () => {
    const { thread, ws } = await started([message(1)]);
    thread.send('Hello');
    const sent = ws().sent.find((f) => f.type === 'message.send') as Extract<ClientFrame, { type: 'message.send' }>;
    expect(thread.messages().at(-1)).toMatchObject({ body: 'Hello', state: 'sending', mine: true });
    ws().receive({ type: 'message.ack', clientMsgId: sent.clientMsgId, message: message(3, { body: 'Hello', clientMsgId: sent.clientMsgId }) });
    expect(thread.messages().map((m) => m.state)).toEqual(['sent', 'sent']);
    ws().receive({ type: 'message.delivered', conversationId: 'c1', messageId: 'm3', recipientId: SUPPORT });
    expect(thread.messages().map((m) => m.state)).toEqual(['delivered', 'delivered']);
    ws().receive({ type: 'message.read', conversationId: 'c1', messageId: 'm1', readerId: SUPPORT });
    expect(thread.messages().map((m) => m.state)).toEqual(['read', 'delivered']);

    ws().receive({ type: 'typing', conversationId: 'c1', userId: SUPPORT });
    expect(thread.otherTyping()).toBe(true);
    await vi.advanceTimersByTimeAsync(4100);
    expect(thread.otherTyping()).toBe(false);
  });

  it('after a drop, reconnects with a new ticket, replays from the last message and sends what was pending once more', async () => {
    const { socket, thread, ws } = await started([message(1), message(2)]);
    const first = ws();
    first.drop();
    expect(socket.state()).toBe('reconnecting');
    thread.send('While offline');
    expect(first.sent.filter((f) => f.type === 'message.send')).toEqual([]);

    await vi.advanceTimersByTimeAsync(reconnectDelay(0));
    await ticket('t2');
    ws().open();
    expect(socket.state()).toBe('open');
    expect(ws()).not.toBe(first);
    expect(ws().url).toMatch(/ticket=t2$/);
    expect(ws().sent[0]).toEqual({ type: 'subscribe', conversationId: 'c1', afterMessageId: 'm2' });
    const resent = ws().sent.filter((f) => f.type === 'message.send');
    expect(resent).toHaveLength(1);
    expect(resent[0]).toMatchObject({ body: 'While offline' });

    // The replay: what was written meanwhile, once even if it comes twice.
    ws().receive({ type: 'message.new', message: message(4, { body: 'Missed' }) });
    ws().receive({ type: 'message.new', message: message(4, { body: 'Missed' }) });
    expect(thread.messages().filter((m) => m.body === 'Missed')).toHaveLength(1);
  });

  it('keeps a refused message with the reason and sends it again with the same clientMsgId', async () => {
    const { thread, ws } = await started([]);
    thread.send('Too late');
    const sent = ws().sent.find((f) => f.type === 'message.send') as Extract<ClientFrame, { type: 'message.send' }>;
    ws().receive({ type: 'error', code: 'conversation_closed', detail: 'closed', ref: 'message.send', clientMsgId: sent.clientMsgId });
    expect(thread.messages()[0]).toMatchObject({ state: 'failed', error: { key: 'errors.problems.conversation_closed' } });
    thread.resend(sent.clientMsgId);
    expect(ws().sent.filter((f) => f.type === 'message.send').map((f) => (f as { clientMsgId: string }).clientMsgId)).toEqual([sent.clientMsgId, sent.clientMsgId]);
  });

  it('grows the reconnection delay up to 10 s', () => {
    expect([0, 1, 2, 3, 10].map(reconnectDelay)).toEqual([500, 1000, 2000, 4000, 10_000]);
  });
});
