import { ChangeDetectionStrategy, Component, Injector, computed, inject, input } from '@angular/core';
import { RouterLink } from '@angular/router';

import type { ConversationStatus } from '../../core/api/models';
import { TranslatePipe, type TranslationKey } from '../../core/i18n/i18n';
import { FormAlert } from '../../shared/form-alert';
import { CallPanel } from './call-panel';
import { ChatPanel } from './chat-panel';
import { ChatSocket } from './chat-socket';
import { ConversationPage } from './conversation-page';
import { CONVERSATION_PAGE_STYLES, conversationBadge, conversationStatusKey } from './conversation-status';

/** A customer's conversation with support: the live chat, the video call, closing it. */
@Component({
  selector: 'app-chat-page',
  imports: [RouterLink, TranslatePipe, FormAlert, ChatPanel, CallPanel],
  providers: [ChatSocket, ConversationPage],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styles: CONVERSATION_PAGE_STYLES,
  template: `
    <div class="container page">
      <p><a routerLink="/support/chat">← {{ 'support.chat.back' | t }}</a></p>
      @if (page.thread(); as thread) {
        @if (thread.loadError(); as failure) {
          <div class="alert alert--error" role="alert">
            <p>{{ (failure.problem.status === 404 ? 'support.chat.notFound' : failure.message.key) | t: failure.message.params }}</p>
          </div>
        } @else {
          <header class="page-header conv__head">
            <div>
              <p class="eyebrow">{{ 'support.chat.eyebrow' | t }}</p>
              <h1>{{ page.conversation()?.subject ?? ('actions.loading' | t) }}</h1>
              @if (page.conversation(); as c) {
                <span [class]="badge(c.status)">{{ statusKey(c.status) | t }}</span>
              }
            </div>
            @if (page.conversation()?.status !== 'closed') {
              <button type="button" class="btn btn--secondary" (click)="page.close()" [disabled]="page.acting()">{{ 'support.chat.close' | t }}</button>
            }
          </header>
          <app-form-alert [message]="page.actionError()" />
          <div class="conv">
            <section class="card" aria-labelledby="chat-title">
              <h2 id="chat-title" class="visually-hidden">{{ 'chat.title' | t }}</h2>
              @if (waiting()) {
                <p class="muted">{{ 'support.chat.waiting' | t }}</p>
              }
              <app-chat-panel [thread]="thread" other="support" [readOnly]="readOnly()" />
            </section>
            @if (page.call(); as call) {
              @if (page.conversation()?.status !== 'closed') {
                <div class="card">
                  <app-call-panel [session]="call" [canStart]="page.conversation()?.status === 'assigned'" />
                  @if (waiting()) {
                    <p class="hint">{{ 'support.chat.callLater' | t }}</p>
                  }
                </div>
              }
            }
          </div>
        }
      }
    </div>
  `,
})
export class ChatPage {
  protected readonly page = inject(ConversationPage);
  /** Route parameter. */
  readonly id = input.required<string>();

  protected readonly statusKey = conversationStatusKey;
  protected readonly badge = (status: ConversationStatus) => conversationBadge(status, 'customer');
  protected readonly waiting = computed(() => this.page.conversation()?.status === 'open');
  protected readonly readOnly = computed<TranslationKey | null>(() => (this.page.conversation()?.status === 'closed' ? 'chat.closedNote' : null));

  constructor() {
    this.page.start(() => this.id(), inject(Injector));
  }
}
