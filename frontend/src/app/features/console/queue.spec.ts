import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { ActivatedRoute, provideRouter } from '@angular/router';
import { BehaviorSubject } from 'rxjs';

import type { Conversation, User } from '../../core/api/models';
import { AuthService } from '../../core/auth/auth.service';
import { I18n, provideFeatureMessages } from '../../core/i18n/i18n';
import { WEB_SOCKET_FACTORY } from '../support/chat-socket';
import { provideSupportMessages } from '../support/messages';
import { FakeSocket } from '../../testing/fake-socket';
import { liveQueue } from './live-queue';
import { en } from './messages.en';
import { fr } from './messages.fr';
import { Queue } from './queue';

const conversation = (id: string, status: Conversation['status'], subject = `Subject ${id}`): Conversation => ({
  id, subject, status, clientId: 'client-1', assigneeId: status === 'open' ? null : 'support-2',
  lastMessageAt: '2026-12-01T10:00:00Z', createdAt: '2026-12-01T10:00:00Z',
});

describe('the support queue', () => {
  it('puts a change of the filter’s status on top, drops one that left it, and ignores one older than the list', () => {
    const listed = [conversation('a', 'open'), conversation('b', 'open'), conversation('c', 'open')];
    const changes = new Map([
      ['new', conversation('new', 'open')],
      ['b', conversation('b', 'assigned')],
      ['later', conversation('later', 'open')],
    ]);
    expect(liveQueue(listed, changes, 'open').map((c) => c.id)).toEqual(['later', 'new', 'a', 'c']);
    expect(liveQueue([conversation('b', 'closed')], new Map([['b', conversation('b', 'assigned')]]), 'closed').map((c) => c.id)).toEqual(['b']);
    expect(liveQueue([], new Map([['b', conversation('b', 'assigned')]]), 'assigned').map((c) => c.status)).toEqual(['assigned']);
  });

  describe('page', () => {
    const query = new BehaviorSubject<Record<string, string>>({});

    beforeEach(() => {
      FakeSocket.all = [];
      query.next({});
      TestBed.configureTestingModule({
        providers: [
          provideRouter([]),
          provideHttpClient(),
          provideHttpClientTesting(),
          provideSupportMessages(),
          provideFeatureMessages({ en, fr }),
          { provide: ActivatedRoute, useValue: { queryParams: query } },
          { provide: WEB_SOCKET_FACTORY, useValue: (url: string) => new FakeSocket(url) as unknown as WebSocket },
        ],
      });
      TestBed.inject(I18n).setLocale('en');
      TestBed.inject(AuthService).user.set({ id: 'support-1', email: 'support@example.com', role: 'support', emailVerified: true, locale: 'en' } as User);
    });

    afterEach(() => TestBed.inject(HttpTestingController).verify());

    it('shows a conversation opened while it is on screen, announces it, and lets a claimed one go', async () => {
      const fixture = TestBed.createComponent(Queue);
      await fixture.whenStable();
      const http = TestBed.inject(HttpTestingController);
      http.expectOne((r) => r.url === '/api/v1/support/conversations' && r.params.get('status') === 'open').flush({ items: [], nextCursor: null });
      http.expectOne({ method: 'POST', url: '/api/v1/support/ws-tickets' }).flush({ ticket: 't1', expiresAt: '2026-12-01T10:00:30Z' });
      await fixture.whenStable();
      const root = fixture.nativeElement as HTMLElement;
      const subjects = () => Array.from(root.querySelectorAll('.queue__item h2')).map((h) => h.textContent?.trim());
      expect(root.textContent).toContain('No conversation here.');
      expect(root.textContent).toContain('Live updates paused');

      FakeSocket.all.at(-1)!.open();
      FakeSocket.all.at(-1)!.receive({ type: 'conversation.updated', conversation: conversation('x', 'open', 'Child seat') });
      await fixture.whenStable();
      expect(root.textContent).toContain('Live');
      expect(subjects()).toEqual(['Child seat']);
      expect(root.querySelector('[role="status"].visually-hidden')?.textContent).toContain('New conversation waiting: Child seat');

      FakeSocket.all.at(-1)!.receive({ type: 'conversation.updated', conversation: conversation('y', 'open', 'Late return') });
      FakeSocket.all.at(-1)!.receive({ type: 'conversation.updated', conversation: conversation('x', 'assigned', 'Child seat') });
      await fixture.whenStable();
      expect(subjects()).toEqual(['Late return']);
    });
  });
});
