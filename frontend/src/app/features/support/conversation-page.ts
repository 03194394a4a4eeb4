import { DOCUMENT, Injectable, Injector, Signal, computed, effect, inject, signal } from '@angular/core';

import type { Conversation } from '../../core/api/models';
import { toProblem } from '../../core/api/problem';
import { SupportService } from '../../core/api/support.service';
import { AuthService } from '../../core/auth/auth.service';
import { FormMessage, formProblemMessage } from '../../shared/problem-message';
import { CallSession } from './call-session';
import { ChatSocket } from './chat-socket';
import { ChatThread } from './chat-thread';

/**
 * What the client's chat page and the support console's conversation page share: one socket
 * for the page, the thread and the call of the conversation in the route (both replaced when
 * it changes), and the conversation's actions (close; claim for support).
 */
@Injectable()
export class ConversationPage {
  private readonly api = inject(SupportService);
  private readonly auth = inject(AuthService);
  private readonly socket = inject(ChatSocket);
  private readonly document = inject(DOCUMENT);

  readonly thread = signal<ChatThread | null>(null);
  readonly call = signal<CallSession | null>(null);
  readonly acting = signal(false);
  readonly actionError = signal<FormMessage | null>(null);
  readonly conversation: Signal<Conversation | null> = computed(() => this.thread()?.conversation() ?? null);

  /** Follows the conversation whose id `id()` gives. */
  start(id: () => string, injector: Injector): void {
    effect(
      (onCleanup) => {
        const conversationId = id();
        const me = this.auth.user()?.id ?? '';
        const thread = new ChatThread(conversationId, me, this.api, this.socket);
        const media = this.document.defaultView?.navigator.mediaDevices ?? null;
        const call = new CallSession(conversationId, this.socket, this.api, media);
        thread.start();
        this.thread.set(thread);
        this.call.set(call);
        this.actionError.set(null);
        onCleanup(() => {
          call.dispose();
          thread.stop();
        });
      },
      { injector },
    );
  }

  claim(): void {
    this.act((id) => this.api.claim(id));
  }

  close(): void {
    this.call()?.dispose();
    this.act((id) => this.api.close(id));
  }

  private act(action: (id: string) => ReturnType<SupportService['claim']>): void {
    const thread = this.thread();
    const conversation = this.conversation();
    if (!thread || !conversation) return;
    this.acting.set(true);
    this.actionError.set(null);
    action(conversation.id).subscribe({
      next: (updated) => {
        this.acting.set(false);
        thread.conversation.set(updated);
      },
      error: (error: unknown) => {
        this.acting.set(false);
        this.actionError.set(formProblemMessage(toProblem(error)));
      },
    });
  }
}
