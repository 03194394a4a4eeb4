import { Subject } from 'rxjs';

import type { SupportService } from '../../core/api/support.service';
import { CallSession, mediaErrorKey } from './call-session';
import type { ChatSocket, ClientFrame, ServerFrame } from './chat-socket';

/** The socket as the call sees it: what it sent, and frames pushed by the test. */
function fakeSocket() {
  const frames = new Subject<ServerFrame>();
  const sent: ClientFrame[] = [];
  const socket = { frames, send: (frame: ClientFrame) => (sent.push(frame), true) } as unknown as ChatSocket;
  return { socket, frames, sent };
}

const api = { iceServers: () => new Subject() } as unknown as SupportService;
const denied = { getUserMedia: () => Promise.reject(Object.assign(new Error('no'), { name: 'NotAllowedError' })) };

describe('CallSession', () => {
  it('names why the camera or microphone could not be used', () => {
    expect(mediaErrorKey({ name: 'NotAllowedError' })).toBe('call.errors.denied');
    expect(mediaErrorKey({ name: 'NotFoundError' })).toBe('call.errors.noDevice');
    expect(mediaErrorKey({ name: 'NotReadableError' })).toBe('call.errors.busy');
    expect(mediaErrorKey(new Error('?'))).toBe('call.errors.media');
  });

  it('explains a refused camera instead of failing the page, and sends no offer', async () => {
    const { socket, sent } = fakeSocket();
    const call = new CallSession('c1', socket, api, denied);
    await call.start();
    expect(call.state()).toBe('failed');
    expect(call.error()).toBe('call.errors.denied');
    expect(sent).toEqual([]);
  });

  it('rings on an offer, and a refused camera on answering hangs up for the caller', async () => {
    const { socket, frames, sent } = fakeSocket();
    const call = new CallSession('c1', socket, api, denied);
    frames.next({ type: 'call.offer', conversationId: 'c1', fromUserId: 'u', sdp: 'v=0' });
    expect(call.state()).toBe('ringing');
    // Another conversation's signalling is not this call's.
    frames.next({ type: 'call.hangup', conversationId: 'c2', fromUserId: 'u' });
    expect(call.state()).toBe('ringing');
    await call.accept();
    expect(call.state()).toBe('failed');
    expect(sent).toEqual([{ type: 'call.hangup', conversationId: 'c1' }]);
  });

  it('ends when the other side hangs up, and says so', async () => {
    const { socket, frames, sent } = fakeSocket();
    const call = new CallSession('c1', socket, api, null);
    frames.next({ type: 'call.offer', conversationId: 'c1', fromUserId: 'u', sdp: 'v=0' });
    frames.next({ type: 'call.hangup', conversationId: 'c1', fromUserId: 'u' });
    await Promise.resolve();
    expect(call.state()).toBe('ended');
    expect(call.endedBy()).toBe('peer');
    expect(sent).toEqual([]);
  });

  it('declining a ringing call tells the caller', () => {
    const { socket, frames, sent } = fakeSocket();
    const call = new CallSession('c1', socket, api, null);
    frames.next({ type: 'call.offer', conversationId: 'c1', fromUserId: 'u', sdp: 'v=0' });
    call.hangUp();
    expect(call.state()).toBe('ended');
    expect(sent).toEqual([{ type: 'call.hangup', conversationId: 'c1' }]);
  });
});
