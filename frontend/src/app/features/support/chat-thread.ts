import { Signal, computed, signal } from '@angular/core';
import { Subscription } from 'rxjs';

import type { ChatMessage, Conversation } from '../../core/api/models';
import { ApiProblem, toProblem } from '../../core/api/problem';
import type { SupportService } from '../../core/api/support.service';
import { Message, problemMessage } from '../../shared/problem-message';
import type { ChatSocket, ServerFrame } from './chat-socket';

/** A message of the page: stored (from the history or the socket), or one of ours on its way. */
export interface ThreadMessage {
  /** The stored id, or `pending:<clientMsgId>`. */
  readonly key: string;
  readonly message: ChatMessage | null;
  readonly clientMsgId: string | null;
  readonly body: string;
  readonly mine: boolean;
  /** `sending` until acknowledged; `failed` with the reason when the server refused it. */
  readonly state: 'sending' | 'failed' | 'sent' | 'delivered' | 'read';
  readonly error: Message | null;
}

/** How long the other side shows as typing after its last `typing` frame. */
export const TYPING_SHOWN_MS = 4000;
/** At most one `typing` frame this often. */
export const TYPING_EVERY_MS = 2000;

/** A `clientMsgId`: unique per message of this browser. */
export function newClientMsgId(): string {
  return globalThis.crypto?.randomUUID?.() ?? `m-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/** Merges stored messages by id, in conversation order (`seq`). */
export function mergeMessages(current: readonly ChatMessage[], incoming: readonly ChatMessage[]): ChatMessage[] {
  const byId = new Map(current.map((m) => [m.id, m]));
  for (const m of incoming) {
    const known = byId.get(m.id);
    byId.set(m.id, known ? { ...m, deliveredAt: m.deliveredAt ?? known.deliveredAt, readAt: m.readAt ?? known.readAt } : m);
  }
  return [...byId.values()].sort((a, b) => a.seq - b.seq);
}

/**
 * One conversation as a page shows it: the history (REST, older pages on demand), live messages
 * and marks from the socket (subscribed after the history, so that a reconnection replays what
 * followed the last message here), our messages on their way (sent again with the same
 * `clientMsgId` after a reconnection), the other side typing, and read marks sent while the
 * page is visible.
 */
export class ChatThread {
  private readonly stored = signal<ChatMessage[]>([]);
  private readonly pending = signal<{ clientMsgId: string; body: string; error: Message | null }[]>([]);
  private readonly typingUntil = signal(0);
  private readonly clock = signal(Date.now());
  private readonly subscription = new Subscription();
  private lastTypingSent = 0;
  private lastReadSent: string | null = null;
  private typingTimer: ReturnType<typeof setTimeout> | null = null;

  readonly conversation = signal<Conversation | null>(null);
  readonly loading = signal(true);
  readonly loadError = signal<{ problem: ApiProblem; message: Message } | null>(null);
  readonly olderCursor = signal<string | null>(null);
  readonly loadingOlder = signal(false);
  /** The page is in view: what arrives counts as read. */
  readonly visible = signal(true);

  readonly otherTyping: Signal<boolean> = computed(() => this.typingUntil() > this.clock());

  readonly messages: Signal<ThreadMessage[]> = computed(() => {
    const me = this.me;
    const stored = this.stored();
    const storedIds = new Set(stored.map((m) => m.clientMsgId).filter((id): id is string => !!id));
    const shown: ThreadMessage[] = stored.map((m) => {
      const mine = m.senderId === me;
      const state = !mine ? 'sent' : m.readAt ? 'read' : m.deliveredAt ? 'delivered' : 'sent';
      return { key: m.id, message: m, clientMsgId: m.clientMsgId ?? null, body: m.body ?? '', mine, state, error: null };
    });
    for (const p of this.pending()) {
      if (storedIds.has(p.clientMsgId)) continue;
      shown.push({
        key: `pending:${p.clientMsgId}`,
        message: null,
        clientMsgId: p.clientMsgId,
        body: p.body,
        mine: true,
        state: p.error ? 'failed' : 'sending',
        error: p.error,
      });
    }
    return shown;
  });

  /** The last stored message: where a reconnection's replay starts. */
  readonly lastMessageId = computed(() => this.stored().at(-1)?.id ?? null);

  constructor(
    private readonly id: string,
    private readonly me: string,
    private readonly api: SupportService,
    private readonly socket: ChatSocket,
  ) {}

  /** Loads the conversation and its newest history page, then follows it live. */
  start(): void {
    this.loading.set(true);
    this.loadError.set(null);
    this.subscription.add(
      this.api.conversation(this.id).subscribe({
        next: (conversation) => this.conversation.set(conversation),
        error: (error: unknown) => this.failed(error),
      }),
    );
    this.subscription.add(
      this.api.messages(this.id).subscribe({
        next: (page) => {
          this.stored.set(mergeMessages(this.stored(), page.items));
          this.olderCursor.set(page.nextCursor ?? null);
          this.loading.set(false);
          this.follow();
        },
        error: (error: unknown) => this.failed(error),
      }),
    );
  }

  /** The page before the oldest one shown. */
  loadOlder(): void {
    const before = this.olderCursor();
    if (!before || this.loadingOlder()) return;
    this.loadingOlder.set(true);
    this.subscription.add(
      this.api.messages(this.id, this.stored()[0]?.id ?? null).subscribe({
        next: (page) => {
          this.stored.set(mergeMessages(this.stored(), page.items));
          this.olderCursor.set(page.nextCursor ?? null);
          this.loadingOlder.set(false);
        },
        error: () => this.loadingOlder.set(false),
      }),
    );
  }

  /** Sends `body` (through the socket; kept and sent again after a reconnection). */
  send(body: string): void {
    const clientMsgId = newClientMsgId();
    this.pending.update((list) => [...list, { clientMsgId, body, error: null }]);
    this.socket.send({ type: 'message.send', conversationId: this.id, clientMsgId, body });
  }

  /** Sends a failed message again, with its `clientMsgId`. */
  resend(clientMsgId: string): void {
    const p = this.pending().find((m) => m.clientMsgId === clientMsgId);
    if (!p) return;
    this.pending.update((list) => list.map((m) => (m.clientMsgId === clientMsgId ? { ...m, error: null } : m)));
    this.socket.send({ type: 'message.send', conversationId: this.id, clientMsgId, body: p.body });
  }

  /** Tells the other side we are typing (at most every {@link TYPING_EVERY_MS}). */
  typing(): void {
    const now = Date.now();
    if (now - this.lastTypingSent < TYPING_EVERY_MS) return;
    if (this.socket.send({ type: 'typing', conversationId: this.id })) this.lastTypingSent = now;
  }

  /** Marks the other side's messages read up to the last one, when the page is visible. */
  markRead(): void {
    if (!this.visible()) return;
    const last = [...this.stored()].reverse().find((m) => m.senderId !== this.me && m.kind === 'text' && !m.readAt);
    if (!last || last.id === this.lastReadSent) return;
    if (this.socket.send({ type: 'message.read', conversationId: this.id, messageId: last.id })) this.lastReadSent = last.id;
  }

  stop(): void {
    this.subscription.unsubscribe();
    this.socket.unfollow(this.id);
    if (this.typingTimer) clearTimeout(this.typingTimer);
  }

  private follow(): void {
    this.subscription.add(this.socket.frames.subscribe((frame) => this.handle(frame)));
    this.subscription.add(
      this.socket.reopened.subscribe(() => {
        // What was on its way when the socket dropped: the same clientMsgId, stored once.
        for (const p of this.pending()) {
          if (!p.error) this.socket.send({ type: 'message.send', conversationId: this.id, clientMsgId: p.clientMsgId, body: p.body });
        }
        this.lastReadSent = null;
        this.markRead();
      }),
    );
    this.socket.follow(this.id, () => this.lastMessageId());
  }

  /** Applies one server frame (public for tests). */
  handle(frame: ServerFrame): void {
    switch (frame.type) {
      case 'message.new':
      case 'message.ack':
        if (frame.message.conversationId !== this.id) return;
        this.stored.set(mergeMessages(this.stored(), [frame.message]));
        if (frame.message.clientMsgId) this.dropPending(frame.message.clientMsgId);
        if (frame.message.senderId !== this.me) this.typingUntil.set(0);
        if (frame.message.kind === 'system' && frame.message.event === 'closed') {
          const c = this.conversation();
          if (c && c.status !== 'closed') this.conversation.set({ ...c, status: 'closed' });
        }
        this.markRead();
        return;
      case 'message.delivered':
        if (frame.conversationId === this.id && frame.recipientId !== this.me) this.mark(frame.messageId, 'deliveredAt');
        return;
      case 'message.read':
        if (frame.conversationId === this.id && frame.readerId !== this.me) this.mark(frame.messageId, 'readAt');
        return;
      case 'typing':
        if (frame.conversationId !== this.id || frame.userId === this.me) return;
        this.typingUntil.set(Date.now() + TYPING_SHOWN_MS);
        this.clock.set(Date.now());
        if (this.typingTimer) clearTimeout(this.typingTimer);
        this.typingTimer = setTimeout(() => this.clock.set(Date.now()), TYPING_SHOWN_MS + 50);
        return;
      case 'conversation.updated':
        if (frame.conversation.id === this.id) this.conversation.set(frame.conversation);
        return;
      case 'error':
        if (frame.clientMsgId) {
          const error = problemMessage({ status: 409, code: frame.code, detail: frame.detail, errors: [], retryAfter: null });
          this.pending.update((list) => list.map((m) => (m.clientMsgId === frame.clientMsgId ? { ...m, error } : m)));
        }
        return;
      default:
        return;
    }
  }

  /** The other side received or read `messageId`: ours up to it are marked. */
  private mark(messageId: string, field: 'deliveredAt' | 'readAt'): void {
    const stored = this.stored();
    const target = stored.find((m) => m.id === messageId);
    if (!target) return;
    const now = new Date().toISOString();
    this.stored.set(
      stored.map((m) => {
        if (m.senderId !== this.me || m.seq > target.seq || m[field]) return m;
        return field === 'readAt' ? { ...m, readAt: now, deliveredAt: m.deliveredAt ?? now } : { ...m, deliveredAt: now };
      }),
    );
  }

  private dropPending(clientMsgId: string): void {
    if (this.pending().some((m) => m.clientMsgId === clientMsgId)) {
      this.pending.update((list) => list.filter((m) => m.clientMsgId !== clientMsgId));
    }
  }

  private failed(error: unknown): void {
    const problem = toProblem(error);
    this.loading.set(false);
    this.loadError.set({ problem, message: problemMessage(problem) });
  }
}
