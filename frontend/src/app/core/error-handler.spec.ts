import { ErrorHandler } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';

import { AppErrorHandler } from './error-handler';
import { Notices } from './notices';

describe('AppErrorHandler', () => {
  beforeEach(() => {
    TestBed.configureTestingModule({ providers: [provideRouter([]), { provide: ErrorHandler, useClass: AppErrorHandler }] });
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
  });

  it('shows a notice over the page, which stays where it is, until the next navigation', () => {
    const navigate = vi.spyOn(TestBed.inject(Router), 'navigate');
    const notices = TestBed.inject(Notices);
    TestBed.inject(ErrorHandler).handleError(new Error('the WebSocket closed'));
    expect(console.error).toHaveBeenCalled();
    expect(navigate).not.toHaveBeenCalled();
    expect(notices.current()).toEqual({ kind: 'error', key: 'notices.unexpectedError', params: undefined });
    notices.navigated();
    expect(notices.current()).toBeNull();
  });

  it('does not pile up notices when errors repeat', () => {
    const notices = TestBed.inject(Notices);
    const handler = TestBed.inject(ErrorHandler);
    handler.handleError(new Error('one'));
    const first = notices.current();
    handler.handleError(new Error('two'));
    expect(notices.current()).toBe(first);
  });
});

describe('Notices', () => {
  it('keep a notice shown before a navigation for the page it leads to', () => {
    const notices = TestBed.inject(Notices);
    notices.show('success', 'notices.signedOut');
    notices.navigated();
    expect(notices.current()?.key).toBe('notices.signedOut');
    notices.navigated();
    expect(notices.current()).toBeNull();
  });
});
