import { Type } from 'typebox';
import { RecordId as Id, Nullable, StaffTokenField } from '../../http/schemas.js';

/*
 * The consultation (问诊) contract. The portal speaks its family's dialect (snake_case, integer
 * ids, the {code, msg, data} envelope); the staff API its own (camelCase, ids as strings). A
 * message has one shape per family, whether it arrives by polling or on the live stream.
 */

export const MESSAGE_TEXT_MAX = 2000;

const MessageText = Type.String({
  minLength: 1,
  maxLength: MESSAGE_TEXT_MAX,
  description: `the message, 1–${MESSAGE_TEXT_MAX} characters with at least one that is not a space`,
});

/** What the newest message is, so that each screen labels an image or the close in its own language. */
const LastKind = Type.Union([Type.Literal('text'), Type.Literal('image'), Type.Literal('closed')]);

export const ConsultationParams = Type.Object({ id: Id('consultation id') });
export const ImageParams = Type.Object({ id: Id('image (message) id') });

/** Paging a thread: after = newer than that message (polling); before = older (scrolling back). */
const PAGE_FIELDS = {
  after: Type.Optional(Id('only messages newer than this message id (what polling sends: the last id it has)')),
  before: Type.Optional(Id('only messages older than this message id (loading history)')),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'at most this many, default 50' })),
};

// ---------------------------------------------------------------- portal

export const PortalOpenBody = Type.Object(
  {
    doctor_id: Id('the doctor asked'),
    text: MessageText,
  },
  { additionalProperties: false },
);
export const PortalTextBody = Type.Object({ text: MessageText }, { additionalProperties: false });
export const PortalThreadQuery = Type.Object(PAGE_FIELDS, { additionalProperties: false });
export const PortalListQuery = Type.Object(
  {
    status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('closed'), Type.Literal('all')])),
  },
  { additionalProperties: false },
);

export const PortalMessage = Type.Object({
  id: Type.Integer(),
  consultation_id: Type.Integer(),
  sender: Type.Union([Type.Literal('patient'), Type.Literal('doctor'), Type.Literal('system')], {
    description: 'system: the doctor closed the consultation (text says so)',
  }),
  kind: Type.Union([Type.Literal('text'), Type.Literal('image'), Type.Literal('closed')]),
  text: Nullable(Type.String()),
  image_url: Nullable(Type.String({ description: 'GET with the patient token; private, no-store' })),
  created_at: Type.Integer({ description: 'Unix seconds' }),
});

export const PortalConsultation = Type.Object({
  id: Type.Integer(),
  doctor_id: Type.Integer(),
  doctor_name: Type.String(),
  doctor_title: Nullable(Type.String()),
  department_name: Nullable(Type.String()),
  status: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
  unread: Type.Integer({ description: "the doctor's messages I have not read" }),
  last_message: Nullable(
    Type.String({ description: "a preview of the newest message's text (null for an image or the close)" }),
  ),
  last_message_kind: Nullable(LastKind),
  last_message_at: Type.Integer(),
  created_at: Type.Integer(),
  closed_at: Nullable(Type.Integer()),
});

export const PortalConsultationList = Type.Object({
  consultations: Type.Array(PortalConsultation),
  total: Type.Integer(),
  unread: Type.Integer({ description: 'unread messages over all my consultations' }),
});
export const PortalConsultationDetail = Type.Object({ consultation: PortalConsultation });
export const PortalThread = Type.Object({
  consultation: PortalConsultation,
  messages: Type.Array(PortalMessage, { description: 'oldest first' }),
  has_more: Type.Boolean({ description: 'older messages exist before the first one (ask with before=)' }),
});
export const PortalSent = Type.Object({ consultation: PortalConsultation, message: PortalMessage });

export const PortalConsultableDoctor = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  title: Nullable(Type.String()),
  department_name: Nullable(Type.String()),
  open_consultation_id: Nullable(Type.Integer({ description: 'my open consultation with this doctor, if any' })),
});
export const PortalConsultableDoctors = Type.Object({
  doctors: Type.Array(PortalConsultableDoctor),
  policy: Type.Union([Type.Literal('booked'), Type.Literal('any')], {
    description: 'booked: doctors I have an appointment or a visit with; any: every doctor who answers online',
  }),
});

// ---------------------------------------------------------------- staff

export const StaffListQuery = Type.Object(
  {
    token: StaffTokenField,
    status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('closed'), Type.Literal('all')])),
  },
  { additionalProperties: false },
);
export const StaffThreadQuery = Type.Object(
  { token: StaffTokenField, ...PAGE_FIELDS },
  { additionalProperties: false },
);
export const StaffTextBody = Type.Object(
  { token: StaffTokenField, text: MessageText },
  { additionalProperties: false },
);
export const StaffActionBody = Type.Object({ token: StaffTokenField }, { additionalProperties: false });

export const StaffMessage = Type.Object({
  id: Type.String(),
  consultationId: Type.String(),
  sender: Type.Union([Type.Literal('patient'), Type.Literal('doctor'), Type.Literal('system')]),
  kind: Type.Union([Type.Literal('text'), Type.Literal('image'), Type.Literal('closed')]),
  text: Nullable(Type.String()),
  imageUrl: Nullable(Type.String({ description: 'GET with the staff token (Authorization: Bearer)' })),
  createdAt: Type.String({ description: 'Unix seconds' }),
});

export const StaffConsultation = Type.Object({
  id: Type.String(),
  patient: Type.Object({
    id: Type.String(),
    name: Type.String(),
    sex: Nullable(Type.String()),
    age: Nullable(Type.Integer()),
  }),
  status: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
  unread: Type.Integer({ description: "the patient's messages the doctor has not read" }),
  lastMessage: Nullable(
    Type.String({ description: "a preview of the newest message's text (null for an image or the close)" }),
  ),
  lastMessageKind: Nullable(LastKind),
  lastMessageAt: Type.String(),
  createdAt: Type.String(),
  closedAt: Nullable(Type.String()),
});

export const StaffConsultationList = Type.Object({
  consultations: Type.Array(StaffConsultation),
  total: Type.Integer(),
  unread: Type.Integer({ description: 'unread messages over all of the doctor’s consultations' }),
});
export const StaffConsultationDetail = Type.Object({ consultation: StaffConsultation });
export const StaffThread = Type.Object({
  consultation: StaffConsultation,
  messages: Type.Array(StaffMessage, { description: 'oldest first' }),
  hasMore: Type.Boolean(),
});
export const StaffSent = Type.Object({ consultation: StaffConsultation, message: StaffMessage });
