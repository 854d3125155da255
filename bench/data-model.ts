/*
 * What a clinic group's pool looks like, as numbers: a few channels bring most inquiries,
 * most inquiries never arrive, consultants' workloads are skewed, times spread over three
 * years. Everything is drawn from one seeded PRNG so a seed always gives the same rows.
 */

/** mulberry32: small, fast, and good enough for synthetic data. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Picks an index with the given relative weights (cumulative table built once). */
export function weightedPicker(weights: number[]): (random: number) => number {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  let running = 0;
  const cumulative = weights.map((weight) => (running += weight / total));
  return (random) => {
    for (let index = 0; index < cumulative.length; index += 1) if (random < cumulative[index]!) return index;
    return cumulative.length - 1;
  };
}

// Seeded catalog order (0001_initial): channel ids 1..7, disease ids 1..14, doctor ids 1..5.
const CHANNEL_WEIGHTS = [38, 22, 17, 8, 7, 5, 3]; // 百度推广 dominates; 7 = portal self-registration
export const PORTAL_CHANNEL_ID = 7;
const DISEASE_WEIGHTS = [14, 9, 3, 4, 10, 8, 3, 6, 3, 12, 5, 4, 11, 8];
const DOCTOR_WEIGHTS = [30, 25, 15, 20, 10];
const ADVISORY_WAYS = ['电话', '微信', 'QQ', '在线咨询', '到院咨询'];
const ADVISORY_WAY_WEIGHTS = [35, 40, 5, 15, 5];
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈';
const GIVEN =
  '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂兰玉萍红梅华建国志新海波宁欣怡子涵浩宇晨雨佳琪思嘉博文俊鹏飞云龙';
const AREAS = [
  '北京',
  '上海',
  '广州',
  '深圳',
  '杭州',
  '南京',
  '成都',
  '武汉',
  '西安',
  '重庆',
  '苏州',
  '天津',
  '长沙',
  '郑州',
  '东莞',
];
const MOBILE_PREFIXES = [
  '138',
  '139',
  '137',
  '136',
  '135',
  '150',
  '151',
  '152',
  '158',
  '159',
  '186',
  '187',
  '188',
  '189',
  '130',
  '131',
  '132',
  '155',
  '156',
  '185',
  '176',
  '177',
  '180',
  '181',
  '133',
  '153',
  '199',
];
const CONTENTS = [
  '咨询治疗费用',
  '想了解治疗周期',
  '询问专家出诊时间',
  '复诊咨询',
  '朋友推荐过来了解',
  '网上看到广告咨询',
  '咨询医保报销',
];
const FOLLOW_UP_CONTENTS = ['电话回访，考虑中', '已加微信，约下周到院', '未接通', '患者表示费用偏高', '确认到院时间'];

const DAY = 86_400;
export const YEARS_OF_HISTORY = 3;

export interface GeneratorShape {
  rows: number;
  consultants: number;
  /** Last moment of the history (Unix seconds); add_time spreads over the three years before it. */
  until: number;
}

/** A few thousand consultants at a million patients; a handful on small data. */
export const consultantCountFor = (rows: number): number => Math.max(10, Math.min(3000, Math.round(rows / 330)));

export const CONSULTANT_PASSWORD = 'bench-password-1';
export const consultantUsername = (index: number): string => `c${String(index + 1).padStart(5, '0')}`;

/** Unique 11-digit mobile per patient index: an affine permutation of 0..1e8 behind a prefix. */
export function telOf(index: number, prefix: string): string {
  const body = (index * 48_271 + 12_345) % 100_000_000;
  return prefix + String(body).padStart(8, '0');
}

export type PatientTuple = unknown[];
export const PATIENT_COLUMNS = [
  'id',
  'name',
  'sex',
  'age',
  'tel',
  'wechat',
  'qq',
  'add_time',
  'order_time',
  'reach_time',
  'disease_id',
  'author_id',
  'state',
  'media_from_id',
  'doctor_id',
  'advisory_way',
  'advisory_content',
  'area',
  'remarks',
  'deleted_at',
  'deleted_by',
  'spend_fen',
  'visit_count',
  'created_at',
  'updated_at',
] as const;
export const VISIT_COLUMNS = [
  'patient_id',
  'doctor_id',
  'visit_time',
  'is_first_visit',
  'spend_fen',
  'recorded_by',
  'created_at',
] as const;
export const FOLLOW_UP_COLUMNS = [
  'patient_id',
  'staff_id',
  'contact_time',
  'way',
  'content',
  'next_follow_up_date',
  'created_at',
] as const;

export interface GeneratedPatient {
  patient: PatientTuple;
  visits: unknown[][];
  followUps: unknown[][];
}

/** Builds patient rows in add_time order (ids ascend with registration, as in a real pool). */
export class PatientFactory {
  private readonly random: () => number;
  private readonly pickChannel = weightedPicker(CHANNEL_WEIGHTS);
  private readonly pickDisease = weightedPicker(DISEASE_WEIGHTS);
  private readonly pickDoctor = weightedPicker(DOCTOR_WEIGHTS);
  private readonly pickWay = weightedPicker(ADVISORY_WAY_WEIGHTS);
  private readonly start: number;
  private readonly step: number;

  constructor(
    seed: number,
    private readonly shape: GeneratorShape,
    private readonly firstConsultantId: number,
    private readonly adminId: number,
  ) {
    this.random = seededRandom(seed);
    this.start = shape.until - YEARS_OF_HISTORY * 365 * DAY;
    this.step = (shape.until - this.start) / shape.rows;
  }

  private integer(below: number): number {
    return Math.floor(this.random() * below);
  }

  private nameOf(): string {
    const given = GIVEN[this.integer(GIVEN.length)]! + (this.random() < 0.7 ? GIVEN[this.integer(GIVEN.length)]! : '');
    // Surnames are skewed too: the first dozen cover about half of the people.
    const surname = SURNAMES[Math.floor(SURNAMES.length * this.random() ** 1.8)]!;
    return surname + given;
  }

  /** Consultants' workloads are skewed: a squared uniform favours the low indexes. */
  private consultantId(): number {
    return this.firstConsultantId + Math.floor(this.shape.consultants * this.random() ** 2);
  }

  build(index: number): GeneratedPatient {
    const id = index + 1;
    const addTime = Math.floor(this.start + (index + this.random()) * this.step);
    const channel = this.pickChannel(this.random()) + 1;
    const author = channel === PORTAL_CHANNEL_ID ? null : this.consultantId();
    const stateRoll = this.random();
    const state = stateRoll < 0.6 ? 0 : stateRoll < 0.9 ? 1 : 2;
    const booked = state === 1 || (state === 0 ? this.random() < 0.33 : this.random() < 0.2);
    const orderTime = booked ? addTime + DAY * (1 + this.integer(14)) : null;
    const doctor = booked ? this.pickDoctor(this.random()) + 1 : null;
    const reachTime = state === 1 ? orderTime! + this.integer(4 * 3600) : null;
    const visitCount = state === 1 ? (this.random() < 0.7 ? 1 : 2 + this.integer(3)) : 0;
    const visits: unknown[][] = [];
    let spend = 0;
    for (let visit = 0; visit < visitCount; visit += 1) {
      const fen = 20_000 + this.integer(800_000);
      spend += fen;
      const time = reachTime! + visit * DAY * (7 + this.integer(30));
      visits.push([id, doctor, time, visit === 0 ? 1 : 0, fen, this.adminId, time]);
    }
    const followUps: unknown[][] = [];
    if (author !== null && this.random() < 0.25) {
      const contacts = 1 + this.integer(2);
      for (let contact = 0; contact < contacts; contact += 1) {
        const time = addTime + DAY * (contact + 1) + this.integer(8 * 3600);
        const next =
          contact === contacts - 1 && this.random() < 0.5
            ? new Date((time + 3 * DAY) * 1000).toISOString().slice(0, 10)
            : null;
        followUps.push([
          id,
          author,
          time,
          ADVISORY_WAYS[this.pickWay(this.random())],
          FOLLOW_UP_CONTENTS[this.integer(FOLLOW_UP_CONTENTS.length)],
          next,
          time,
        ]);
      }
    }
    const hasTel = this.random() < 0.97;
    const deleted = this.random() < 0.01;
    const updatedAt = reachTime ?? orderTime ?? addTime;
    const patient: PatientTuple = [
      id,
      this.nameOf(),
      this.integer(2),
      18 + this.integer(55),
      hasTel ? telOf(index, MOBILE_PREFIXES[this.integer(MOBILE_PREFIXES.length)]!) : null,
      this.random() < 0.3 ? `wx${100_000 + this.integer(9_000_000)}` : null,
      this.random() < 0.15 ? String(100_000 + this.integer(2_000_000_000)) : null,
      addTime,
      orderTime,
      reachTime,
      this.pickDisease(this.random()) + 1,
      author,
      state,
      channel,
      doctor,
      ADVISORY_WAYS[this.pickWay(this.random())],
      CONTENTS[this.integer(CONTENTS.length)],
      AREAS[this.integer(AREAS.length)],
      null,
      deleted ? updatedAt + DAY : null,
      deleted ? this.adminId : null,
      spend,
      visitCount,
      addTime,
      updatedAt,
    ];
    return { patient, visits, followUps };
  }
}
