import { signal } from '@angular/core';
import { Subscription, firstValueFrom } from 'rxjs';

import type { SupportService } from '../../core/api/support.service';
import type { TranslationKey } from '../../core/i18n/i18n';
import type { ChatSocket, ServerFrame } from './chat-socket';

/**
 * `idle`; `media` (asking for the camera and microphone); `calling` (our offer sent);
 * `ringing` (an offer came in); `connecting` (ICE); `connected`; `ended` (hung up, by either
 * side); `failed` (permission refused, no device, or the connection could not be made).
 */
export type CallState = 'idle' | 'media' | 'calling' | 'ringing' | 'connecting' | 'connected' | 'ended' | 'failed';

/** What the browser's media and WebRTC give (replaced in unit tests). */
export interface MediaDevicesLike {
  getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream>;
}

/** Why the camera or microphone could not be used, as a dictionary key. */
export function mediaErrorKey(error: unknown): TranslationKey {
  const name = (error as { name?: string } | null)?.name ?? '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'call.errors.denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'call.errors.noDevice';
  if (name === 'NotReadableError' || name === 'AbortError') return 'call.errors.busy';
  return 'call.errors.media';
}

/**
 * A video call of a conversation (DESIGN §6): WebRTC peer to peer between its client and its
 * support user, signalled through the chat socket (`call.offer`, `call.answer`, `call.ice`,
 * `call.hangup`, relayed by the server to the other participant only). ICE servers (STUN/TURN
 * with time-limited credentials) come from `GET /support/ice-servers`. Candidates that arrive
 * before the remote description wait for it.
 */
export class CallSession {
  readonly state = signal<CallState>('idle');
  readonly error = signal<TranslationKey | null>(null);
  readonly muted = signal(false);
  readonly cameraOff = signal(false);
  readonly localStream = signal<MediaStream | null>(null);
  readonly remoteStream = signal<MediaStream | null>(null);
  /** Who ended the call, once it is over. */
  readonly endedBy = signal<'me' | 'peer' | null>(null);

  private pc: RTCPeerConnection | null = null;
  private offer: string | null = null;
  private candidates: RTCIceCandidateInit[] = [];
  private readonly subscription = new Subscription();

  constructor(
    private readonly conversationId: string,
    private readonly socket: ChatSocket,
    private readonly api: SupportService,
    private readonly media: MediaDevicesLike | null,
    private readonly makePeer: (config: RTCConfiguration) => RTCPeerConnection = (config) => new RTCPeerConnection(config),
  ) {
    this.subscription.add(this.socket.frames.subscribe((frame) => void this.handle(frame)));
  }

  /** Whether a call is running or being set up. */
  active(): boolean {
    return ['media', 'calling', 'ringing', 'connecting', 'connected'].includes(this.state());
  }

  /** Calls the other participant: camera and microphone, then an offer. */
  async start(): Promise<void> {
    if (this.active()) return;
    this.reset();
    const stream = await this.openMedia();
    if (!stream) return;
    const pc = await this.peer(stream);
    if (!pc) return;
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    this.state.set('calling');
    if (!this.socket.send({ type: 'call.offer', conversationId: this.conversationId, sdp: offer.sdp ?? '' })) this.fail('call.errors.offline');
  }

  /** Answers the call that is ringing. */
  async accept(): Promise<void> {
    const sdp = this.offer;
    if (this.state() !== 'ringing' || !sdp) return;
    const stream = await this.openMedia();
    if (!stream) {
      this.socket.send({ type: 'call.hangup', conversationId: this.conversationId });
      return;
    }
    const pc = await this.peer(stream);
    if (!pc) return;
    await pc.setRemoteDescription({ type: 'offer', sdp });
    await this.flushCandidates();
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    this.state.set('connecting');
    this.socket.send({ type: 'call.answer', conversationId: this.conversationId, sdp: answer.sdp ?? '' });
  }

  /** Ends the call (or refuses the one ringing), telling the other side. */
  hangUp(): void {
    if (this.state() === 'idle' || this.state() === 'ended') return;
    this.socket.send({ type: 'call.hangup', conversationId: this.conversationId });
    this.endedBy.set('me');
    this.finish('ended');
  }

  toggleMute(): void {
    const muted = !this.muted();
    this.localStream()?.getAudioTracks().forEach((t) => (t.enabled = !muted));
    this.muted.set(muted);
  }

  toggleCamera(): void {
    const off = !this.cameraOff();
    this.localStream()?.getVideoTracks().forEach((t) => (t.enabled = !off));
    this.cameraOff.set(off);
  }

  /** Leaves the page: the call ends for both. */
  dispose(): void {
    if (this.active()) this.hangUp();
    this.subscription.unsubscribe();
    this.release();
  }

  /** Applies one signalling frame (public for tests). */
  async handle(frame: ServerFrame): Promise<void> {
    if (!('conversationId' in frame) || frame.conversationId !== this.conversationId) return;
    switch (frame.type) {
      case 'call.offer':
        if (this.active()) return;
        this.reset();
        this.offer = frame.sdp;
        this.state.set('ringing');
        return;
      case 'call.answer':
        if (!this.pc || this.state() !== 'calling') return;
        await this.pc.setRemoteDescription({ type: 'answer', sdp: frame.sdp });
        await this.flushCandidates();
        if (this.state() === 'calling') this.state.set('connecting');
        return;
      case 'call.ice':
        if (!frame.candidate) return;
        if (this.pc?.remoteDescription) await this.pc.addIceCandidate(frame.candidate).catch(() => undefined);
        else this.candidates.push(frame.candidate);
        return;
      case 'call.hangup':
        if (this.state() === 'idle' || this.state() === 'ended') return;
        this.endedBy.set('peer');
        this.finish('ended');
        return;
      default:
        return;
    }
  }

  private async openMedia(): Promise<MediaStream | null> {
    if (!this.media) {
      this.fail('call.errors.unsupported');
      return null;
    }
    this.state.set('media');
    try {
      const stream = await this.media.getUserMedia({ audio: true, video: { width: { ideal: 640 }, height: { ideal: 480 } } });
      this.localStream.set(stream);
      return stream;
    } catch (error) {
      this.fail(mediaErrorKey(error));
      return null;
    }
  }

  private async peer(stream: MediaStream): Promise<RTCPeerConnection | null> {
    let iceServers: RTCIceServer[] = [];
    try {
      iceServers = (await firstValueFrom(this.api.iceServers())).iceServers.map((s) => ({
        urls: s.urls,
        ...(s.username ? { username: s.username } : {}),
        ...(s.credential ? { credential: s.credential } : {}),
      }));
    } catch {
      // Without STUN/TURN a call still works on the same network; the connection state tells otherwise.
    }
    if (!this.active()) return null;
    const pc = this.makePeer({ iceServers });
    this.pc = pc;
    stream.getTracks().forEach((track) => pc.addTrack(track, stream));
    const remote = new MediaStream();
    this.remoteStream.set(remote);
    pc.ontrack = (event) => {
      if (!remote.getTracks().includes(event.track)) remote.addTrack(event.track);
      // A new stream object, so the video element sees the change.
      this.remoteStream.set(new MediaStream(remote.getTracks()));
    };
    pc.onicecandidate = (event) => {
      this.socket.send({ type: 'call.ice', conversationId: this.conversationId, candidate: event.candidate ? event.candidate.toJSON() : null });
    };
    pc.onconnectionstatechange = () => {
      if (pc !== this.pc) return;
      switch (pc.connectionState) {
        case 'connected':
          this.state.set('connected');
          break;
        case 'failed':
          this.socket.send({ type: 'call.hangup', conversationId: this.conversationId });
          this.fail('call.errors.connection');
          break;
        default:
          break;
      }
    };
    return pc;
  }

  private async flushCandidates(): Promise<void> {
    const waiting = this.candidates;
    this.candidates = [];
    for (const candidate of waiting) await this.pc?.addIceCandidate(candidate).catch(() => undefined);
  }

  private fail(key: TranslationKey): void {
    this.error.set(key);
    this.finish('failed');
  }

  private finish(state: 'ended' | 'failed'): void {
    this.release();
    this.state.set(state);
  }

  private reset(): void {
    this.error.set(null);
    this.endedBy.set(null);
    this.muted.set(false);
    this.cameraOff.set(false);
    this.offer = null;
    this.candidates = [];
  }

  private release(): void {
    this.pc?.close();
    this.pc = null;
    this.localStream()?.getTracks().forEach((t) => t.stop());
    this.localStream.set(null);
    this.remoteStream.set(null);
  }
}
