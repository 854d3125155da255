import { createHmac } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { AppConfig } from './config.js';
import type { DatabaseHandle } from './db/database.js';
import { AuditRepository } from './domain/audit.js';
import { ClinicCalendar } from './domain/clinic-time/clinic-calendar.js';
import { ClinicClock } from './domain/clinic-time/clinic-clock.js';
import { PrivateFileStore } from './domain/private-files.js';
import { VisiblePatients } from './domain/visible-patients.js';
import { AuditQueryRepository, DeniedAccessRecorder } from './features/audit/index.js';
import {
  AppointmentRepository,
  AppointmentService,
  type BookingServices,
  FrontDeskRepository,
  PatientBookings,
  ScheduleRepository,
  ScheduleService,
} from './features/booking/index.js';
import { CatalogRepository, CatalogService, ReferenceRepository } from './features/catalogs/index.js';
import { type ClinicInfo, clinicInfoOf } from './features/clinic-info/index.js';
import {
  ConsultationLive,
  ConsultationRepository,
  type ConsultationRouteDependencies,
  ConsultationService,
  PostgresNotifySignal,
  SqlitePollSignal,
} from './features/consultations/index.js';
import { DashboardRepository } from './features/dashboard/index.js';
import { DoctorDayRepository, type DoctorDeskServices } from './features/doctor-desk/index.js';
import { FollowUpRepository, FollowUpService, FollowUpWorklistRepository } from './features/follow-ups/index.js';
import {
  buildTransports,
  buildWeChatApi,
  DeliveryLog,
  DeliveryWorker,
  deliveryJob,
  NotificationOutbox,
  NotificationSettingsService,
  type NotificationStaffServices,
  OutboxRepository,
  RecipientsRepository,
  ReminderRepository,
  ReminderScheduler,
  TemplateCache,
  TemplateRepository,
  TemplateService,
} from './features/notifications/index.js';
import {
  ExportRepository,
  ImportRepository,
  ImportService,
  type PatientTransferServices,
} from './features/patient-transfer/index.js';
import {
  HandoverRepository,
  HandoverService,
  PatientRecordRepository,
  PatientRecordService,
  PatientRepository,
  PatientService,
  type PatientServices,
  PatientUpdateService,
  PhoneLookupRepository,
  PhoneLookups,
  PoolTotals,
  SharedPoolRepository,
  SharedPoolService,
  sharedPoolJobs,
} from './features/patients/index.js';
import {
  type AvatarDependencies,
  AvatarFileRepository,
  AvatarFiles,
  AvatarStorage,
  DeskAccountService,
  type IdentityDependencies,
  IdentityService,
  PatientGuard,
  PortalAccountRepository,
  PortalAccountService,
  VerificationCodes,
  VerificationRepository,
} from './features/portal-account/index.js';
import { PortalCatalogRepository } from './features/portal-catalog/index.js';
import { RoleRepository, RoleService } from './features/roles/index.js';
import { RollupRepository, rollupJobs } from './features/rollup/index.js';
import { StaffAuthRepository, StaffAuthService, StaffGuard } from './features/staff-auth/index.js';
import { StaffUserRepository, StaffUserService } from './features/staff-users/index.js';
import { CostRepository, CostService, StatisticsRepository, StatisticsService } from './features/statistics/index.js';
import {
  ArrivalService,
  NoteAttachmentStorage,
  VisitNoteRepository,
  VisitNoteService,
  VisitRepository,
} from './features/visits/index.js';
import type { WorklistServices } from './features/worklists/index.js';
import { EventStreams } from './http/event-stream.js';
import { type BackgroundJob, BackgroundJobs, periodicJob } from './jobs.js';
import { LoginThrottle } from './security/login-throttle.js';
import { SessionRepository } from './security/session-repository.js';
import { TokenService } from './security/tokens.js';
import type { CoreServices } from './services.js';

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
const CONSULTATION_NOTICE_SCAN_MS = 15_000;

/** The services every feature may use (the CLI's commands build them too, without the rest of the app). */
export function createCoreServices(
  config: AppConfig,
  database: Pick<DatabaseHandle, 'db' | 'dialect'>,
  jwtSecret: string,
): CoreServices {
  const { db, dialect } = database;
  return {
    config,
    db,
    dialect,
    tokens: new TokenService(jwtSecret, config.tokenTtlSeconds),
    sessions: new SessionRepository(db),
    throttle: new LoginThrottle(db),
    audit: new AuditRepository(db),
  };
}

/** What the staff API's routes are given (src/staff-api.ts mounts them). */
export interface StaffComposition {
  guard: StaffGuard;
  auth: StaffAuthService;
  roleRepository: RoleRepository;
  deniedAccess: DeniedAccessRecorder;
  patients: PatientServices;
  followUps: FollowUpService;
  arrivals: ArrivalService;
  visitNotes: VisitNoteService;
  statistics: StatisticsService;
  costs: CostService;
  dashboard: DashboardRepository;
  transfer: PatientTransferServices;
  staffUsers: StaffUserService;
  roles: RoleService;
  auditLog: AuditQueryRepository;
  catalogs: CatalogService;
  booking: BookingServices;
  notifications: NotificationStaffServices;
  deskAccounts: DeskAccountService;
  worklists: WorklistServices;
  doctorDesk: DoctorDeskServices;
  consultations: ConsultationRouteDependencies & { calendar: ClinicCalendar };
  clinic: ClinicInfo;
}

/** What the portal's routes are given (src/portal-api.ts mounts them). */
export interface PortalComposition {
  guard: PatientGuard;
  accounts: PortalAccountService;
  identity: IdentityDependencies;
  notificationSettings: NotificationSettingsService;
  avatars: AvatarDependencies;
  visitNotes: VisitNoteService;
  consultations: ConsultationRouteDependencies;
  catalog: PortalCatalogRepository;
  booking: BookingServices;
  clinic: ClinicInfo;
}

/** The message machinery, for tools and tests that run a delivery pass or a reminder scan themselves. */
export interface NotificationMachinery {
  outbox: NotificationOutbox;
  worker: DeliveryWorker;
  reminders: ReminderScheduler;
}

export interface Composition {
  core: CoreServices;
  /** Open Server-Sent Events streams: the app ends them before a graceful close waits for requests. */
  eventStreams: EventStreams;
  staff: StaffComposition;
  portal: PortalComposition;
  notifications: NotificationMachinery;
  jobs: BackgroundJobs;
}

/**
 * The composition root: every repository and service of the app is built here, once, and handed
 * to the routes that use it; the background jobs are listed here too. Features never build one
 * another's parts (they receive them), so what depends on what is read off this one file.
 */
export function compose(
  config: AppConfig,
  database: DatabaseHandle,
  jwtSecret: string,
  log: FastifyBaseLogger,
): Composition {
  const { db, dialect } = database;
  const core = createCoreServices(config, database, jwtSecret);
  const { sessions, throttle } = core;
  // One clock and one calendar: each keeps a cache of its last answers (every dashboard asks the same day).
  const clock = new ClinicClock(config.clinicTimezone);
  const calendar = new ClinicCalendar(config.clinicTimezone);

  // Keys for HMACs (verification codes, the WeChat link's state), each derived from the one secret for its use.
  const derivedKey = (use: string) => createHmac('sha256', jwtSecret).update(`carepool:${use}`).digest();

  const messages = config.messages;
  const outboxRepository = new OutboxRepository(db, dialect);
  const recipients = new RecipientsRepository(db);
  // Written by business transactions; only the delivery worker talks to providers.
  const templateCache = new TemplateCache(recipients);
  const outbox = new NotificationOutbox(outboxRepository, recipients, templateCache, calendar);
  const wechatApi = buildWeChatApi(messages);
  const transports = buildTransports(messages, wechatApi);
  const deliveryOptions = {
    batchSize: messages.batchSize,
    sendTimeoutMs: messages.sendTimeoutMs,
    maxAttempts: messages.maxAttempts,
    retryBaseMs: messages.retryBaseMs,
    pollIntervalMs: messages.pollIntervalMs,
  };
  const deliveryWorker = new DeliveryWorker(outboxRepository, transports, deliveryOptions, log);
  const reminders = new ReminderScheduler(db, new ReminderRepository(db), outbox, calendar, {
    dayBeforeMinute: messages.reminderDayBeforeMinute,
    hoursBefore: messages.reminderHoursBefore,
  });

  const references = new ReferenceRepository(db);
  const visiblePatients = new VisiblePatients(db);
  const rollup = new RollupRepository(db);
  const roleRepository = new RoleRepository(db);
  const visitNotes = new VisitNoteService(
    core,
    new VisitNoteRepository(db),
    references,
    new NoteAttachmentStorage(config.dataDir),
  );

  // 问诊: live delivery by LISTEN/NOTIFY on PostgreSQL; on SQLite by looking after commits and every 250 ms.
  const consultationRepository = new ConsultationRepository(db);
  const consultationLive = new ConsultationLive(
    consultationRepository,
    dialect === 'postgres'
      ? new PostgresNotifySignal(config.databaseUrl, (error) =>
          log.warn({ err: error }, 'consultation live feed: LISTEN connection lost; reconnecting'),
        )
      : new SqlitePollSignal(),
    log,
  );
  const eventStreams = new EventStreams();
  const consultationService = new ConsultationService(
    core,
    consultationRepository,
    new PrivateFileStore(config.dataDir, 'consultations'),
    consultationLive,
    outbox,
    config.consultations,
  );
  const consultations: ConsultationRouteDependencies = {
    service: consultationService,
    live: consultationLive,
    streams: eventStreams,
  };

  const scheduleRepository = new ScheduleRepository(db);
  const appointmentRepository = new AppointmentRepository(db);
  const booking: BookingServices = {
    schedules: new ScheduleService(core, scheduleRepository, appointmentRepository, calendar, outbox),
    appointments: new AppointmentService(core, appointmentRepository, scheduleRepository, calendar, outbox),
    appointmentRepository,
  };

  const patientRepository = new PatientRepository(db, dialect);
  const patientRecords = new PatientRecordRepository(db);
  const phoneLookups = new PhoneLookups(core, new PhoneLookupRepository(db), clock);
  const patients: PatientServices = {
    pool: new PatientService(
      core,
      patientRepository,
      references,
      new PoolTotals(rollup, config.clinicTimezone),
      phoneLookups,
    ),
    records: new PatientRecordService(
      core,
      patientRepository,
      patientRecords,
      new PatientBookings(appointmentRepository, scheduleRepository),
      phoneLookups,
    ),
    updates: new PatientUpdateService(core, patientRecords, references, phoneLookups),
    handovers: new HandoverService(core, new HandoverRepository(db, dialect), phoneLookups),
    sharedPool: new SharedPoolService(
      core,
      new SharedPoolRepository(db, dialect),
      patientRecords,
      config.poolReturnDays,
    ),
  };

  const portalAccounts = new PortalAccountRepository(db);
  const verificationCodes = new VerificationCodes(
    core,
    new VerificationRepository(db),
    outbox,
    clock,
    derivedKey('verification-codes'),
    { perPhone: messages.verificationDailyPerPhone, perIp: messages.verificationDailyPerIp },
  );
  const identity = new IdentityService(
    core,
    portalAccounts,
    patientRepository,
    references,
    new PatientBookings(appointmentRepository, scheduleRepository),
    verificationCodes,
    outbox,
  );

  const staffAuthRepository = new StaffAuthRepository(db);
  const statistics = new StatisticsService(new StatisticsRepository(db, dialect), rollup, clock);
  const staff: StaffComposition = {
    guard: new StaffGuard(core.tokens, staffAuthRepository),
    auth: new StaffAuthService(core, staffAuthRepository),
    roleRepository,
    deniedAccess: new DeniedAccessRecorder(db, core.audit),
    patients,
    followUps: new FollowUpService(core, new FollowUpRepository(db), visiblePatients),
    arrivals: new ArrivalService(core, new VisitRepository(db), references, visiblePatients),
    visitNotes,
    statistics,
    costs: new CostService(core, new CostRepository(db), statistics),
    dashboard: new DashboardRepository(db),
    transfer: {
      exporting: { audit: core.audit, repository: new ExportRepository(db, dialect), clock, phoneLookups },
      importing: new ImportService(core, new ImportRepository(db), clock, phoneLookups),
    },
    staffUsers: new StaffUserService(core, new StaffUserRepository(db, dialect)),
    roles: new RoleService(core, roleRepository),
    auditLog: new AuditQueryRepository(db),
    catalogs: new CatalogService(core, new CatalogRepository(db)),
    booking,
    notifications: {
      log: new DeliveryLog(core, outboxRepository, messages),
      templates: new TemplateService(core, new TemplateRepository(db), templateCache),
    },
    deskAccounts: new DeskAccountService(core, portalAccounts, identity, outbox),
    worklists: {
      followUpPlans: new FollowUpWorklistRepository(db),
      frontDesk: new FrontDeskRepository(db),
      calendar,
      lateAfterMinutes: config.lateAfterMinutes,
    },
    doctorDesk: {
      day: new DoctorDayRepository(db),
      appointments: booking.appointments,
      schedules: booking.schedules,
      calendar,
    },
    consultations: { ...consultations, calendar },
    clinic: clinicInfoOf(config),
  };

  const avatarStorage = new AvatarStorage(config.dataDir);
  const avatarFiles = new AvatarFiles(new AvatarFileRepository(db, dialect), avatarStorage);
  const portal: PortalComposition = {
    guard: new PatientGuard(core.tokens, portalAccounts),
    accounts: new PortalAccountService(core, portalAccounts, avatarFiles, verificationCodes, outbox),
    identity: { identity, codes: verificationCodes, accounts: portalAccounts },
    notificationSettings: new NotificationSettingsService(
      core,
      recipients,
      messages,
      wechatApi,
      derivedKey('wechat-link-state'),
    ),
    avatars: { core, files: avatarFiles, storage: avatarStorage, accounts: portalAccounts },
    visitNotes,
    consultations,
    catalog: new PortalCatalogRepository(db),
    booking,
    clinic: clinicInfoOf(config),
  };

  const jobs = new BackgroundJobs(
    [
      ...rollupJobs(database, config.databaseUrl, config.clinicTimezone, log),
      ...sharedPoolJobs(patients.sharedPool, config.poolReturnDays, log),
      // Security tables stay small, and purged patients' avatar and visit-note files leave the disk.
      periodicJob(
        'housekeeping',
        HOUR_MS,
        [
          { name: 'expiredSessions', run: (now) => sessions.purgeExpired(now) },
          { name: 'staleThrottleRows', run: (now) => throttle.purgeStale(now) },
          { name: 'purgedAvatarFiles', run: () => avatarFiles.sweepPurged() },
          { name: 'purgedVisitNoteFiles', run: () => visitNotes.sweepOrphanedAttachments() },
          { name: 'purgedConsultationImages', run: () => consultationService.sweepOrphanedImages() },
          { name: 'staleVerificationCodes', run: (now) => verificationCodes.purgeStale(now) },
          // The delivery log holds names and phones: settled messages go after NOTIFY_RETENTION_DAYS.
          {
            name: 'oldMessages',
            run: async (now) =>
              config.messages.retentionDays === 0
                ? 0
                : outboxRepository.purgeSettled((now - config.messages.retentionDays * 86_400) * 1000),
          },
        ],
        log,
      ),
      ...notificationJobs(),
      { name: 'consultation-live', start: () => consultationLive.start(), stop: () => consultationLive.stop() },
      ...consultationNoticeJobs(),
    ],
    log,
  );

  // An answer left unread past CONSULTATION_NOTICE_AFTER_SECONDS becomes a message (0: never).
  function consultationNoticeJobs(): BackgroundJob[] {
    if (config.consultations.noticeAfterSeconds === 0) return [];
    return [
      periodicJob(
        'consultation-notices',
        CONSULTATION_NOTICE_SCAN_MS,
        [{ name: 'unreadAnswers', run: (now) => consultationService.sendDueNotices(now) }],
        log,
      ),
    ];
  }

  // NOTIFY_WORKER=off: this instance queues messages but leaves sending (and reminders) to others.
  function notificationJobs(): BackgroundJob[] {
    if (!messages.worker) return [];
    return [
      deliveryJob(deliveryWorker, transports, deliveryOptions, log),
      periodicJob(
        'notification-reminders',
        MINUTE_MS,
        [{ name: 'appointmentReminders', run: (now) => reminders.runOnce(now) }],
        log,
      ),
    ];
  }

  return {
    core,
    eventStreams,
    staff,
    portal,
    notifications: { outbox, worker: deliveryWorker, reminders },
    jobs,
  };
}
