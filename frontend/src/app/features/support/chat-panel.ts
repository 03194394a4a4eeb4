import {
  AfterViewChecked,
  ChangeDetectionStrategy,
  Component,
  DOCUMENT,
  ElementRef,
  HostListener,
  computed,
  inject,
  input,
  viewChild,
} from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';

import { I18n, TranslatePipe, type TranslationKey } from '../../core/i18n/i18n';
import { ChatSocket } from './chat-socket';
import type { ChatThread, ThreadMessage } from './chat-thread';

const MAX_BODY = 5000;

/**
 * The thread of a conversation and its composer, for the client's chat page and the support
 * console: the history with "earlier messages", live messages in a `log` live region, marks on
 * our own messages (sending, sent, delivered, read, or failed with "send again"), the other
 * side typing, and a notice while the socket reconnects (the page stays usable).
 */
@Component({
  selector: 'app-chat-panel',
  imports: [ReactiveFormsModule, TranslatePipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styles: `
    :host { display: block; }
    .chat { display: flex; flex-direction: column; gap: 0.75rem; }
    .chat__notice { margin: 0; padding: 0.6rem 0.9rem; border-radius: var(--radius-small); background: var(--warning-bg); color: var(--warning); font-weight: 600; }
    .chat__notice--ok { background: var(--success-bg); color: var(--success); }
    .chat__log { margin: 0; padding: 1rem; min-height: 14rem; max-height: 28rem;
      overflow-y: auto; background: var(--canvas); border: 1px solid var(--line); border-radius: var(--radius); }
    .chat__log:focus-visible { outline: none; box-shadow: var(--focus); }
    .chat__list { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 0.6rem; }
    .chat__older { align-self: center; }
    .msg { max-width: min(36rem, 85%); display: flex; flex-direction: column; gap: 0.2rem; }
    .msg--mine { align-self: flex-end; align-items: flex-end; }
    .msg__bubble { margin: 0; padding: 0.55rem 0.85rem; border-radius: 14px; background: var(--surface); border: 1px solid var(--line); white-space: pre-wrap; overflow-wrap: anywhere; }
    .msg--mine .msg__bubble { background: var(--navy-900); border-color: var(--navy-900); color: #fff; }
    .msg--failed .msg__bubble { background: var(--danger-bg); border-color: var(--danger); color: var(--danger); }
    .msg__meta { margin: 0; font-size: 0.8rem; color: var(--ink-muted); display: flex; gap: 0.5rem; align-items: center; flex-wrap: wrap; }
    .msg__mark--read { color: var(--blue-700); font-weight: 600; }
    .msg--system { align-self: center; max-width: 100%; }
    .msg--system p { margin: 0; font-size: 0.85rem; color: var(--ink-muted); text-align: center; }
    .chat__typing { margin: 0; min-height: 1.4em; font-size: 0.9rem; color: var(--ink-muted); font-style: italic; }
    .chat__composer { display: flex; flex-direction: column; gap: 0.5rem; }
    .chat__composer textarea { width: 100%; min-height: 5rem; padding: 0.7rem 0.8rem; font: inherit; border: 1px solid var(--line-strong);
      border-radius: var(--radius-small); resize: vertical; background: var(--surface); color: var(--ink); }
    .chat__composer textarea:focus-visible { outline: none; box-shadow: var(--focus); }
    .chat__composer-row { display: flex; justify-content: space-between; align-items: center; gap: 0.75rem; flex-wrap: wrap; }
    .chat__readonly { margin: 0; padding: 0.75rem 1rem; border-radius: var(--radius-small); background: var(--blue-50); }
  `,
  template: `
    @let t = thread();
    <div class="chat">
      @switch (socket.state()) {
        @case ('reconnecting') {
          <p class="chat__notice" role="status">{{ 'chat.reconnecting' | t }}</p>
        }
        @case ('connecting') {
          <p class="visually-hidden" role="status">{{ 'chat.connecting' | t }}</p>
        }
      }

      <div #log class="chat__log" role="log" aria-live="polite" aria-relevant="additions" [attr.aria-label]="'chat.logLabel' | t" tabindex="0">
      <ol class="chat__list">
        @if (t.olderCursor()) {
          <li class="chat__older">
            <button type="button" class="btn btn--ghost btn--small" (click)="t.loadOlder()" [disabled]="t.loadingOlder()">{{ 'chat.older' | t }}</button>
          </li>
        }
        @for (m of t.messages(); track m.key) {
          @if (m.message?.kind === 'system') {
            <li class="msg msg--system"><p>{{ systemKey(m) | t: { time: time(m) } }}</p></li>
          } @else {
            <li class="msg" [class.msg--mine]="m.mine" [class.msg--failed]="m.state === 'failed'">
              <span class="visually-hidden">{{ (m.mine ? 'chat.you' : otherLabel()) | t }}:</span>
              <p class="msg__bubble">{{ m.body }}</p>
              <p class="msg__meta">
                @if (m.message) {
                  <span>{{ time(m) }}</span>
                }
                @if (m.mine) {
                  <span class="msg__mark" [class.msg__mark--read]="m.state === 'read'" [attr.data-state]="m.state">{{ markKey(m) | t }}</span>
                }
                @if (m.state === 'failed' && m.clientMsgId) {
                  <span>{{ m.error!.key | t: m.error!.params }}</span>
                  <button type="button" class="btn btn--ghost btn--small" (click)="t.resend(m.clientMsgId!)">{{ 'chat.resend' | t }}</button>
                }
              </p>
            </li>
          }
        } @empty {
          <li class="msg msg--system"><p>{{ 'chat.empty' | t }}</p></li>
        }
      </ol>
      </div>

      <p class="chat__typing" aria-live="polite">{{ t.otherTyping() ? (typingLabel() | t) : '' }}</p>

      @if (readOnly(); as reason) {
        <p class="chat__readonly">{{ reason | t }}</p>
      } @else {
        <form class="chat__composer" [formGroup]="form" (ngSubmit)="submit()" novalidate>
          <label for="chat-body" class="visually-hidden">{{ 'chat.messageLabel' | t }}</label>
          <textarea id="chat-body" formControlName="body" [attr.maxlength]="maxBody" [attr.placeholder]="'chat.placeholder' | t"
            aria-describedby="chat-hint" (input)="t.typing()" (keydown.enter)="enter($any($event))"></textarea>
          <div class="chat__composer-row">
            <span id="chat-hint" class="hint">{{ 'chat.hint' | t }}</span>
            <button type="submit" class="btn btn--primary">{{ 'chat.send' | t }}</button>
          </div>
        </form>
      }
    </div>
  `,
})
export class ChatPanel implements AfterViewChecked {
  private readonly i18n = inject(I18n);
  protected readonly socket = inject(ChatSocket);
  private readonly document = inject(DOCUMENT);

  readonly thread = input.required<ChatThread>();
  /** Who the other side is, for the screen reader's labels: `support` for a client, `client` for support. */
  readonly other = input<'support' | 'client'>('support');
  /** A reason the composer is not shown (closed, not taken yet), as a key; `null` to write. */
  readonly readOnly = input<TranslationKey | null>(null);

  protected readonly maxBody = MAX_BODY;
  protected readonly form = inject(NonNullableFormBuilder).group({ body: ['', [Validators.required, Validators.maxLength(MAX_BODY)]] });
  protected readonly otherLabel = computed<TranslationKey>(() => (this.other() === 'support' ? 'chat.supportName' : 'chat.clientName'));
  protected readonly typingLabel = computed<TranslationKey>(() => (this.other() === 'support' ? 'chat.supportTyping' : 'chat.clientTyping'));
  private readonly log = viewChild<ElementRef<HTMLElement>>('log');
  private lastCount = 0;

  @HostListener('document:visibilitychange')
  protected visibility(): void {
    const visible = this.document.visibilityState !== 'hidden';
    this.thread().visible.set(visible);
    if (visible) this.thread().markRead();
  }

  ngAfterViewChecked(): void {
    // New messages: scroll the log to the newest one (not when older ones were prepended).
    const count = this.thread().messages().length;
    const log = this.log()?.nativeElement;
    if (log && count !== this.lastCount) {
      const prepended = this.lastCount > 0 && log.scrollTop < 40;
      if (!prepended) log.scrollTop = log.scrollHeight;
      this.lastCount = count;
    }
  }

  protected enter(event: KeyboardEvent): void {
    if (event.shiftKey || event.isComposing) return;
    event.preventDefault();
    this.submit();
  }

  protected submit(): void {
    const body = this.form.controls.body.value.trim();
    if (!body) return;
    this.thread().send(body);
    this.form.reset();
  }

  protected time(m: ThreadMessage): string {
    if (!m.message) return '';
    return new Intl.DateTimeFormat(this.i18n.intlLocale(), { hour: '2-digit', minute: '2-digit' }).format(new Date(m.message.createdAt));
  }

  protected markKey(m: ThreadMessage): TranslationKey {
    return `chat.marks.${m.state}` as TranslationKey;
  }

  protected systemKey(m: ThreadMessage): TranslationKey {
    switch (m.message?.event) {
      case 'call_started':
        return 'chat.system.callStarted';
      case 'call_ended':
        return 'chat.system.callEnded';
      case 'closed':
        return 'chat.system.closed';
      default:
        return 'chat.system.other';
    }
  }
}
