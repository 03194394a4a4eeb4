import { ChangeDetectionStrategy, Component, Injector, computed, inject, input } from '@angular/core';
import { RouterLink } from '@angular/router';

import type { ConversationStatus } from '../../core/api/models';
import { AuthService } from '../../core/auth/auth.service';
import { TranslatePipe, type TranslationKey } from '../../core/i18n/i18n';
import { FormAlert } from '../../shared/form-alert';
import { CallPanel } from '../support/call-panel';
import { ChatPanel } from '../support/chat-panel';
import { ChatSocket } from '../support/chat-socket';
import { ConversationPage } from '../support/conversation-page';
import { CONVERSATION_PAGE_STYLES, conversationBadge, conversationStatusKey } from '../support/conversation-status';

/** One conversation in the console: claim it, reply live, answer its video calls, close it. */
@Component({
  selector: 'app-console-conversation',
  imports: [RouterLink, TranslatePipe, FormAlert, ChatPanel, CallPanel],
  providers: [ChatSocket, ConversationPage],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styles: [CONVERSATION_PAGE_STYLES, '.conv__actions { display: flex; gap: 0.5rem; flex-wrap: wrap; }'],
  template: `
    <div class="container page">
      <p><a routerLink="/console">← {{ 'console.conversation.back' | t }}</a></p>
      @if (page.thread(); as thread) {
        @if (thread.loadError(); as failure) {
          <div class="alert alert--error" role="alert"><p>{{ failure.message.key | t: failure.message.params }}</p></div>
        } @else {
          <header class="page-header conv__head">
            <div>
              <p class="eyebrow">{{ 'console.eyebrow' | t }}</p>
              <h1>{{ page.conversation()?.subject ?? ('actions.loading' | t) }}</h1>
              @if (page.conversation(); as c) {
                <span [class]="badge(c.status)">{{ statusKey(c.status) | t }}</span>
                @if (c.status === 'assigned' && !mine()) {
                  <span class="small"> {{ 'console.queue.colleague' | t }}</span>
                }
              }
            </div>
            <div class="conv__actions">
              @if (page.conversation()?.status === 'open') {
                <button type="button" class="btn btn--accent" (click)="page.claim()" [disabled]="page.acting()">{{ 'console.claim' | t }}</button>
              }
              @if (mine() && page.conversation()?.status === 'assigned') {
                <button type="button" class="btn btn--secondary" (click)="page.close()" [disabled]="page.acting()">{{ 'console.conversation.close' | t }}</button>
              }
            </div>
          </header>
          <app-form-alert [message]="page.actionError()" />
          <div class="conv">
            <section class="card" aria-labelledby="chat-title">
              <h2 id="chat-title" class="visually-hidden">{{ 'chat.title' | t }}</h2>
              <app-chat-panel [thread]="thread" other="client" [readOnly]="readOnly()" />
            </section>
            @if (mine() && page.conversation()?.status === 'assigned') {
              @if (page.call(); as call) {
                <div class="card"><app-call-panel [session]="call" [canStart]="true" /></div>
              }
            }
          </div>
        }
      }
    </div>
  `,
})
export class ConsoleConversation {
  protected readonly page = inject(ConversationPage);
  private readonly auth = inject(AuthService);
  /** Route parameter. */
  readonly id = input.required<string>();

  protected readonly statusKey = conversationStatusKey;
  protected readonly badge = (status: ConversationStatus) => conversationBadge(status, 'staff');
  protected readonly mine = computed(() => {
    const c = this.page.conversation();
    return !!c && c.assigneeId === this.auth.user()?.id;
  });
  protected readonly readOnly = computed<TranslationKey | null>(() => {
    const c = this.page.conversation();
    if (!c) return null;
    if (c.status === 'closed') return 'chat.closedNote';
    if (c.status === 'open') return 'console.conversation.claimFirst';
    return this.mine() ? null : 'console.conversation.colleagueNote';
  });

  constructor() {
    this.page.start(() => this.id(), inject(Injector));
  }
}
