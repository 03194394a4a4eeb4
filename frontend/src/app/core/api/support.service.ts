import { HttpClient, HttpHeaders, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';

import { endpoints } from './endpoints';
import type {
  ChatMessage,
  ContactAccepted,
  ContactRequest,
  Conversation,
  ConversationStatus,
  IceServers,
  NewContactRequest,
  NewConversation,
  Page,
  WsTicket,
} from './models';

/**
 * The support API over HTTP: the contact form, conversations (a client's own, or support's
 * queue), their history, the REST fallback of sending, socket tickets and ICE servers. Live
 * traffic goes through {@link ChatSocket}.
 */
@Injectable({ providedIn: 'root' })
export class SupportService {
  private readonly http = inject(HttpClient);

  contact(request: NewContactRequest): Observable<ContactAccepted> {
    return this.http.post<ContactAccepted>(endpoints.contactRequests, request);
  }

  contactRequests(status: 'handled' | 'unhandled' | null, cursor: string | null = null): Observable<Page<ContactRequest>> {
    return this.http.get<Page<ContactRequest>>(endpoints.contactRequests, { params: paramsOf({ status, cursor, limit: 20 }) });
  }

  markHandled(id: string): Observable<ContactRequest> {
    return this.http.post<ContactRequest>(`${endpoints.contactRequests}/${encodeURIComponent(id)}/handling`, null);
  }

  conversations(status: ConversationStatus | null, cursor: string | null = null): Observable<Page<Conversation>> {
    return this.http.get<Page<Conversation>>(endpoints.conversations, { params: paramsOf({ status, cursor, limit: 20 }) });
  }

  /** `idempotencyKey`: one per attempt of the form (a retried submit opens one conversation). */
  open(request: NewConversation, idempotencyKey: string): Observable<Conversation> {
    return this.http.post<Conversation>(endpoints.conversations, request, { headers: new HttpHeaders({ 'Idempotency-Key': idempotencyKey }) });
  }

  conversation(id: string): Observable<Conversation> {
    return this.http.get<Conversation>(`${endpoints.conversations}/${encodeURIComponent(id)}`);
  }

  /** The newest page of the history, or the one before message `before`; oldest first. */
  messages(id: string, before: string | null = null): Observable<Page<ChatMessage>> {
    return this.http.get<Page<ChatMessage>>(`${endpoints.conversations}/${encodeURIComponent(id)}/messages`, {
      params: paramsOf({ before, limit: 50 }),
    });
  }

  /** The REST fallback of `message.send` (a resend with the same `clientMsgId` stores nothing new). */
  send(id: string, clientMsgId: string, body: string): Observable<ChatMessage> {
    return this.http.post<ChatMessage>(`${endpoints.conversations}/${encodeURIComponent(id)}/messages`, { clientMsgId, body });
  }

  claim(id: string): Observable<Conversation> {
    return this.http.post<Conversation>(`${endpoints.conversations}/${encodeURIComponent(id)}/assignment`, null);
  }

  close(id: string): Observable<Conversation> {
    return this.http.post<Conversation>(`${endpoints.conversations}/${encodeURIComponent(id)}/closure`, null);
  }

  ticket(): Observable<WsTicket> {
    return this.http.post<WsTicket>(endpoints.wsTickets, null);
  }

  iceServers(): Observable<IceServers> {
    return this.http.get<IceServers>(endpoints.iceServers);
  }
}

function paramsOf(values: Readonly<Record<string, string | number | null | undefined>>): HttpParams {
  let params = new HttpParams();
  for (const [name, value] of Object.entries(values)) {
    if (value !== null && value !== undefined && value !== '') params = params.set(name, String(value));
  }
  return params;
}
