import { DOCUMENT, DestroyRef, Injectable, InjectionToken, inject, signal } from '@angular/core';
import { Subject, firstValueFrom } from 'rxjs';

import { endpoints } from '../../core/api/endpoints';
import type { ChatMessage, Conversation } from '../../core/api/models';
import { toProblem } from '../../core/api/problem';
import { SupportService } from '../../core/api/support.service';

/** What the server sends (API.md "WebSocket frames"); unknown types are ignored. */
export type ServerFrame =
  | { type: 'subscribed'; conversationId: string; lastSeq: number }
  | { type: 'message.ack'; clientMsgId: string; message: ChatMessage }
  | { type: 'message.new'; message: ChatMessage }
  | { type: 'message.delivered'; conversationId: string; messageId: string; recipientId: string }
  | { type: 'message.read'; conversationId: string; messageId: string; readerId: string }
  | { type: 'typing'; conversationId: string; userId: string }
  | { type: 'conversation.updated'; conversation: Conversation }
  | { type: 'call.offer' | 'call.answer'; conversationId: string; fromUserId: string; sdp: string }
  | { type: 'call.ice'; conversationId: string; fromUserId: string; candidate: RTCIceCandidateInit | null }
  | { type: 'call.hangup'; conversationId: string; fromUserId: string }
  | { type: 'pong' }
  | { type: 'error'; code: string; detail: string; ref?: string; clientMsgId?: string };

/** What the client sends. */
export type ClientFrame =
  | { type: 'subscribe'; conversationId: string; afterMessageId?: string }
  | { type: 'message.send'; conversationId: string; clientMsgId: string; body: string }
  | { type: 'message.read'; conversationId: string; messageId: string }
  | { type: 'typing'; conversationId: string }
  | { type: 'call.offer' | 'call.answer'; conversationId: string; sdp: string }
  | { type: 'call.ice'; conversationId: string; candidate: RTCIceCandidateInit | null }
  | { type: 'call.hangup'; conversationId: string }
  | { type: 'ping' };

/**
 * `connecting` (first attempt), `open`, `reconnecting` (dropped: trying again, with a notice on
 * the page, never the error page), `closed` (the page let it go).
 */
export type SocketState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** Makes the browser's WebSocket (a fake one in unit tests). */
export const WEB_SOCKET_FACTORY = new InjectionToken<(url: string) => WebSocket>('WEB_SOCKET_FACTORY', {
  providedIn: 'root',
  factory: () => (url: string) => new WebSocket(url),
});

/** Waits before the next attempt: 0.5 s, 1 s, 2 s … up to 10 s. */
export function reconnectDelay(attempt: number): number {
  return Math.min(10_000, 500 * 2 ** Math.max(0, attempt));
}

const PING_EVERY_MS = 25_000;

/**
 * The support WebSocket of one page: a one-time ticket (`POST /support/ws-tickets`, through
 * the bearer interceptor) for each connection; after a drop, it connects again with growing
 * delays and subscribes again to each conversation after the last message the page has
 * (`afterMessageId`), so the server replays exactly what was missed. Frames a page sends while
 * the socket is down are dropped (typing, read marks) or kept by their owner and sent again
 * (messages: `clientMsgId` makes the resend harmless).
 */
@Injectable()
export class ChatSocket {
  private readonly support = inject(SupportService);
  private readonly factory = inject(WEB_SOCKET_FACTORY);
  private readonly location = inject(DOCUMENT).defaultView?.location;

  readonly state = signal<SocketState>('connecting');
  /** Every frame the server sends. */
  readonly frames = new Subject<ServerFrame>();
  /** Fires each time the socket is open and subscribed again (the pages resend what is pending). */
  readonly reopened = new Subject<void>();

  private socket: WebSocket | null = null;
  private subscriptions = new Map<string, () => string | null>();
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private stopped = false;
  private started = false;

  constructor() {
    inject(DestroyRef).onDestroy(() => this.close());
  }

  /**
   * Follows conversation `id`: subscribed now if open, and again after each reconnection from
   * what `lastMessageId()` says the page has.
   */
  follow(id: string, lastMessageId: () => string | null): void {
    this.subscriptions.set(id, lastMessageId);
    if (this.started && this.state() === 'open') this.subscribe(id);
    this.listen();
  }

  /**
   * Connects (once) without following a conversation: what reaches every socket of this user
   * still arrives in {@link frames} — for support, each conversation opened, claimed or closed.
   */
  listen(): void {
    if (this.started) return;
    this.started = true;
    void this.connect();
  }

  unfollow(id: string): void {
    this.subscriptions.delete(id);
  }

  /** Sends `frame` when the socket is open; `false` when it is not (the caller decides what to keep). */
  send(frame: ClientFrame): boolean {
    if (this.state() !== 'open' || !this.socket) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  close(): void {
    this.stopped = true;
    this.state.set('closed');
    this.clearTimers();
    const socket = this.socket;
    this.socket = null;
    if (socket && socket.readyState <= 1) socket.close(1000, 'page left');
    this.frames.complete();
    this.reopened.complete();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    let ticket: string;
    try {
      ticket = (await firstValueFrom(this.support.ticket())).ticket;
    } catch (error) {
      // A refused session ends in the auth interceptor (sign-in page); anything else is retried.
      if (toProblem(error).status === 401 || this.stopped) return;
      this.retry();
      return;
    }
    if (this.stopped) return;
    const socket = this.factory(this.url(ticket));
    this.socket = socket;
    socket.onopen = () => {
      if (socket !== this.socket) return;
      this.attempt = 0;
      this.state.set('open');
      for (const id of this.subscriptions.keys()) this.subscribe(id);
      this.pingTimer = setInterval(() => this.send({ type: 'ping' }), PING_EVERY_MS);
      this.reopened.next();
    };
    socket.onmessage = (event: MessageEvent) => {
      if (socket !== this.socket || typeof event.data !== 'string') return;
      let frame: unknown;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      if (typeof frame === 'object' && frame !== null && typeof (frame as { type?: unknown }).type === 'string') {
        this.frames.next(frame as ServerFrame);
      }
    };
    socket.onclose = () => {
      if (socket !== this.socket) return;
      this.socket = null;
      this.clearTimers();
      if (!this.stopped) this.retry();
    };
    // An error is followed by `close`: that is where the retry starts.
    socket.onerror = () => undefined;
  }

  private retry(): void {
    this.state.set('reconnecting');
    const delay = reconnectDelay(this.attempt++);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, delay);
  }

  private subscribe(id: string): void {
    const after = this.subscriptions.get(id)?.() ?? null;
    this.send(after ? { type: 'subscribe', conversationId: id, afterMessageId: after } : { type: 'subscribe', conversationId: id });
  }

  private url(ticket: string): string {
    const secure = this.location?.protocol === 'https:';
    const host = this.location?.host ?? 'localhost';
    return `${secure ? 'wss' : 'ws'}://${host}${endpoints.ws}?ticket=${encodeURIComponent(ticket)}`;
  }

  private clearTimers(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.retryTimer = null;
    this.pingTimer = null;
  }
}
