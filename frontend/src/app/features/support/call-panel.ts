import { ChangeDetectionStrategy, Component, ElementRef, computed, effect, input, viewChild } from '@angular/core';

import { TranslatePipe, type TranslationKey } from '../../core/i18n/i18n';
import type { CallSession } from './call-session';

/**
 * A conversation's video call: the start (client) or answer (support) button, both videos,
 * mute, camera off, hang up, and the connection state in a live region. A refused camera or
 * microphone is explained here; the chat stays usable.
 */
@Component({
  selector: 'app-call-panel',
  imports: [TranslatePipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styles: `
    :host { display: block; }
    .call { display: flex; flex-direction: column; gap: 0.75rem; }
    .call__videos { display: grid; grid-template-columns: 2fr 1fr; gap: 0.75rem; }
    .call__video { position: relative; background: var(--navy-950); border-radius: var(--radius); overflow: hidden; aspect-ratio: 4 / 3; }
    .call__video video { width: 100%; height: 100%; object-fit: cover; display: block; }
    .call__video span { position: absolute; left: 0.5rem; bottom: 0.5rem; padding: 0.15rem 0.5rem; border-radius: 6px; background: rgb(0 0 0 / 65%); color: #fff; font-size: 0.85rem; }
    .call__controls { display: flex; flex-wrap: wrap; gap: 0.5rem; }
    .call__state { margin: 0; font-weight: 600; }
    .call__ringing { padding: 0.8rem 1rem; border-radius: var(--radius-small); background: var(--blue-50); display: flex; flex-wrap: wrap; gap: 0.75rem; align-items: center; }
    .call__ringing p { margin: 0; font-weight: 600; flex: 1 1 12rem; }
    @media (max-width: 640px) { .call__videos { grid-template-columns: 1fr; } }
  `,
  template: `
    @let s = session();
    <section class="call" aria-labelledby="call-title">
      <h2 id="call-title" class="h3">{{ 'call.title' | t }}</h2>
      <p class="call__state" role="status" aria-live="polite">{{ stateKey() | t }}</p>
      @if (s.error(); as error) {
        <div class="alert alert--error" role="alert"><p>{{ error | t }}</p></div>
      }

      @if (s.state() === 'ringing') {
        <div class="call__ringing">
          <p>{{ 'call.incoming' | t }}</p>
          <button type="button" class="btn btn--accent" (click)="s.accept()">{{ 'call.answer' | t }}</button>
          <button type="button" class="btn btn--secondary" (click)="s.hangUp()">{{ 'call.decline' | t }}</button>
        </div>
      }

      @if (inCall()) {
        <div class="call__videos">
          <div class="call__video">
            <video #remote class="call__remote" autoplay playsinline [attr.aria-label]="'call.remoteVideo' | t"></video>
            <span aria-hidden="true">{{ 'call.them' | t }}</span>
          </div>
          <div class="call__video">
            <video #local class="call__local" autoplay playsinline muted [attr.aria-label]="'call.localVideo' | t"></video>
            <span aria-hidden="true">{{ 'call.you' | t }}</span>
          </div>
        </div>
        <div class="call__controls">
          <button type="button" class="btn btn--secondary" [attr.aria-pressed]="s.muted()" (click)="s.toggleMute()">{{ (s.muted() ? 'call.unmute' : 'call.mute') | t }}</button>
          <button type="button" class="btn btn--secondary" [attr.aria-pressed]="s.cameraOff()" (click)="s.toggleCamera()">{{ (s.cameraOff() ? 'call.cameraOn' : 'call.cameraOff') | t }}</button>
          <button type="button" class="btn btn--danger" (click)="s.hangUp()">{{ 'call.hangUp' | t }}</button>
        </div>
      } @else if (canStart() && s.state() !== 'ringing') {
        <div class="call__controls">
          <button type="button" class="btn btn--accent" (click)="s.start()">{{ 'call.start' | t }}</button>
        </div>
        <p class="hint">{{ 'call.permissionHint' | t }}</p>
      }
    </section>
  `,
})
export class CallPanel {
  readonly session = input.required<CallSession>();
  /** The client starts calls; support answers them (and may call back). */
  readonly canStart = input(true);

  private readonly local = viewChild<ElementRef<HTMLVideoElement>>('local');
  private readonly remote = viewChild<ElementRef<HTMLVideoElement>>('remote');

  protected readonly inCall = computed(() => ['media', 'calling', 'connecting', 'connected'].includes(this.session().state()));
  protected readonly stateKey = computed<TranslationKey>(() => {
    const s = this.session();
    if (s.state() === 'ended') return s.endedBy() === 'peer' ? 'call.state.endedByPeer' : 'call.state.ended';
    return `call.state.${s.state()}` as TranslationKey;
  });

  constructor() {
    effect(() => attach(this.local()?.nativeElement, this.session().localStream()));
    effect(() => attach(this.remote()?.nativeElement, this.session().remoteStream()));
  }
}

function attach(video: HTMLVideoElement | undefined, stream: MediaStream | null): void {
  if (!video || video.srcObject === stream) return;
  video.srcObject = stream;
  if (stream) void video.play().catch(() => undefined);
}
