import '../i18n/portal-consultations-bundle';
import { errorMessage } from '../api/client';
import { type StreamEvent, useEventStream } from '../api/event-stream';
import type { paths } from '../api/schema';
import { IMAGE_MAX_BYTES, IMAGE_TYPES } from '../ui/ChatComposer';
import type { ChatMessage } from '../ui/useChatThread';
import { PortalError, usePortalSession } from './session';

/** 在线问诊's API shapes in the portal, derived from the generated OpenAPI types. */
type PortalData<T> = T extends { responses: { 200: { content: { 'application/json': { data: infer D } } } } }
  ? D
  : never;
export type ConsultationList = PortalData<paths['/patient/consultations']['get']>;
export type Consultation = ConsultationList['consultations'][number];
export type ConsultableDoctors = PortalData<paths['/patient/consultation-doctors']['get']>;
export type Thread = PortalData<paths['/patient/consultations/{id}/messages']['get']>;
export type Message = Thread['messages'][number];
export type Sent = PortalData<paths['/patient/consultations/{id}/messages']['post']>;

export const toChatMessage = (message: Message): ChatMessage => ({
  id: message.id,
  from: message.sender === 'patient' ? 'me' : message.sender === 'doctor' ? 'them' : 'system',
  kind: message.kind,
  text: message.text,
  imageUrl: message.image_url,
  createdAt: message.created_at,
});

/** A message the server pushed (event `message`): the consultation as it is now, and the message. */
function liveMessage(event: StreamEvent): Sent | null {
  if (event.event !== 'message' || !event.data || typeof event.data !== 'object') return null;
  const data = event.data as Partial<Sent>;
  return data.consultation && data.message ? (data as Sent) : null;
}

/**
 * The signed-in patient's live consultation events while the calling screen is shown; signing
 * out stops them (no token, no stream). `onReady` runs each time the stream is (again) listening:
 * whatever arrived before that is fetched, not pushed.
 */
export function useConsultationEvents(onMessage: (sent: Sent) => void, onReady: () => void): void {
  const { token } = usePortalSession();
  useEventStream(
    token ? '/patient/consultation-events' : null,
    () => token,
    (event) => {
      if (event.event === 'ready') onReady();
      const sent = liveMessage(event);
      if (sent) onMessage(sent);
    },
  );
}

/** Why a picture cannot be sent, as a portal string key; null when it can. */
export function imageProblem(file: File): 'consultations.imageType' | 'consultations.imageTooLarge' | null {
  if (!IMAGE_TYPES.includes(file.type)) return 'consultations.imageType';
  if (file.size > IMAGE_MAX_BYTES) return 'consultations.imageTooLarge';
  return null;
}

/** POST a picture into a consultation; multipart goes through fetch (the typed client speaks JSON). */
export async function sendImage(consultationId: number, file: File, token: string | null, fallback: string) {
  const form = new FormData();
  form.append('file', file);
  const response = await fetch(`/patient/consultations/${consultationId}/images`, {
    method: 'POST',
    body: form,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) throw new PortalError(errorMessage(body, fallback), response.status, body);
  return (body as { data: Sent }).data;
}

/** A consultation picture as a blob: its address answers only with the patient's token. */
export async function fetchImage(url: string, token: string | null): Promise<Blob> {
  const response = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!response.ok) throw new Error(String(response.status));
  return response.blob();
}
