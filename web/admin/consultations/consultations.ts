import type { StreamEvent } from '../../api/event-stream';
import type { paths } from '../../api/schema';
import { IMAGE_MAX_BYTES, IMAGE_TYPES } from '../../ui/ChatComposer';
import type { ChatMessage } from '../../ui/useChatThread';
import { ApiError } from '../api';
import { getToken } from '../session';

/** 在线问诊's API shapes in the back office, derived from the generated OpenAPI types. */
type Json<T> = T extends { responses: { 200: { content: { 'application/json': infer D } } } } ? D : never;
export type ConsultationList = Json<paths['/back_end/api/v1/consultation/list']['get']>;
export type Consultation = ConsultationList['consultations'][number];
export type Message = Json<paths['/back_end/api/v1/consultation/{id}/messages']['get']>['messages'][number];
export type Sent = Json<paths['/back_end/api/v1/consultation/{id}/messages']['post']>;

export const EVENTS_URL = '/back_end/api/v1/consultation/events';

export const toChatMessage = (message: Message): ChatMessage => ({
  id: Number(message.id),
  from: message.sender === 'doctor' ? 'me' : message.sender === 'patient' ? 'them' : 'system',
  kind: message.kind,
  text: message.text,
  imageUrl: message.imageUrl,
  createdAt: Number(message.createdAt),
});

/** A message the server pushed (event `message`): the consultation as it is now, and the message. */
export function liveMessage(event: StreamEvent): Sent | null {
  if (event.event !== 'message' || !event.data || typeof event.data !== 'object') return null;
  const data = event.data as Partial<Sent>;
  return data.consultation && data.message ? (data as Sent) : null;
}

/** Why a picture cannot be sent, as an admin string key; null when it can. */
export function imageProblem(file: File): 'consultationDesk.imageType' | 'consultationDesk.imageTooLarge' | null {
  if (!IMAGE_TYPES.includes(file.type)) return 'consultationDesk.imageType';
  if (file.size > IMAGE_MAX_BYTES) return 'consultationDesk.imageTooLarge';
  return null;
}

const bearer = (): Record<string, string> => ({ authorization: `Bearer ${getToken() ?? ''}` });

/** POST a picture into a consultation; multipart goes through fetch (the typed client speaks JSON). */
export async function sendImage(consultationId: string, file: File): Promise<Sent> {
  const form = new FormData();
  form.append('file', file);
  const response = await fetch(`/back_end/api/v1/consultation/${consultationId}/images`, {
    method: 'POST',
    headers: bearer(),
    body: form,
  });
  const body = (await response.json().catch(() => ({}))) as { msg?: string; state_code?: number };
  if (!response.ok) throw new ApiError(response.status, body.state_code, body.msg ?? response.statusText);
  return body as Sent;
}

/** A consultation picture as a blob: its address answers only with the staff token. */
export async function fetchImage(url: string): Promise<Blob> {
  const response = await fetch(url, { headers: bearer() });
  if (!response.ok) throw new Error(String(response.status));
  return response.blob();
}
