import type { ClinicClock } from '../../domain/clinic-time/clinic-clock.js';
import { MOBILE_PATTERN } from '../../domain/phone.js';
import { AppError } from '../../http/errors.js';
import { MAX_UNIX_SECONDS } from '../../http/schemas.js';
import type { RawCell, SheetRow } from './import-reader.js';

export type ImportField =
  | 'name'
  | 'tel'
  | 'sex'
  | 'age'
  | 'wechat'
  | 'qq'
  | 'add_time'
  | 'order_time'
  | 'reach_time'
  | 'state'
  | 'channel'
  | 'department'
  | 'disease'
  | 'doctor'
  | 'advisory_way'
  | 'advisory_content'
  | 'area'
  | 'remarks';

/** Chinese or English headers (case, spaces and a required-mark * do not matter). */
const HEADER_ALIASES: Record<ImportField, string[]> = {
  name: ['姓名', '名字', '客户姓名', 'name'],
  tel: ['电话', '手机', '手机号', '联系电话', 'tel', 'phone'],
  sex: ['性别', 'sex', 'gender'],
  age: ['年龄', 'age'],
  wechat: ['微信', 'wechat'],
  qq: ['qq'],
  add_time: ['登记时间', 'add_time', 'addtime'],
  order_time: ['预约时间', 'order_time', 'ordertime'],
  reach_time: ['到诊时间', 'reach_time', 'reachtime'],
  state: ['状态', 'state'],
  channel: ['来源', '来源渠道', '渠道', 'channel', 'media_from'],
  department: ['科室', 'department'],
  disease: ['病种', 'disease'],
  doctor: ['医生', '预约专家', 'doctor'],
  advisory_way: ['咨询方式', 'advisory_way'],
  advisory_content: ['咨询内容', 'advisory_content'],
  area: ['地区', 'area'],
  remarks: ['备注', 'remarks'],
};

/** Columns that must be there and filled in on every row. */
export const REQUIRED_IMPORT_FIELDS: readonly ImportField[] = ['name', 'add_time'];

/** A field's column as the template (and the export) names it: the first alias, in Chinese. */
export function importColumnName(field: string): string {
  if (field === 'qq') return 'QQ';
  return HEADER_ALIASES[field as ImportField]?.[0] ?? field;
}

/** The template's columns, in the export's order: what a clinic fills in, required ones marked *. */
export const TEMPLATE_FIELDS: readonly ImportField[] = [
  'name',
  'sex',
  'age',
  'tel',
  'wechat',
  'qq',
  'add_time',
  'order_time',
  'reach_time',
  'state',
  'channel',
  'department',
  'disease',
  'doctor',
  'advisory_way',
  'advisory_content',
  'area',
  'remarks',
];

const FIELD_BY_HEADER = new Map<string, ImportField>(
  (Object.entries(HEADER_ALIASES) as [ImportField, string[]][]).flatMap(([field, aliases]) =>
    aliases.map((alias) => [alias, field] as const),
  ),
);

const normalizeHeader = (text: string) =>
  text
    .replace(/^\uFEFF/, '')
    .replace(/[\s*＊]/g, '')
    .toLowerCase();

export type ColumnMap = Map<ImportField, number>;

/** Column positions by field. Unknown columns (ID, 登记人 ... from an export) are ignored. */
export function mapColumns(header: string[]): ColumnMap {
  const columns: ColumnMap = new Map();
  header.forEach((text, index) => {
    const field = FIELD_BY_HEADER.get(normalizeHeader(text));
    if (!field) return;
    if (columns.has(field)) throw new AppError('invalid_value', `表头重复：${text}`, { extra: { field: 'file' } });
    columns.set(field, index);
  });
  const missing = REQUIRED_IMPORT_FIELDS.filter((field) => !columns.has(field));
  if (missing.length > 0) {
    const names = missing.map(importColumnName).join('、');
    throw new AppError('invalid_value', `缺少必需的列：${names}（第 1 行应为表头）`, { extra: { field: 'file' } });
  }
  return columns;
}

export interface CatalogEntry {
  id: number;
  name: string;
  active: boolean;
  departmentId: number | null;
}

/** Catalog entries by name, loaded once per import (catalogs are small). */
export interface Catalogs {
  channels: Map<string, CatalogEntry[]>;
  departments: Map<string, CatalogEntry[]>;
  diseases: Map<string, CatalogEntry[]>;
  doctors: Map<string, CatalogEntry[]>;
  advisoryWays: Map<string, CatalogEntry[]>;
}

/** A valid row, ready to insert (author and timestamps are added on commit). */
export interface ImportCandidate {
  line: number;
  name: string;
  tel: string | null;
  sex: number | null;
  age: number | null;
  wechat: string | null;
  qq: string | null;
  add_time: number;
  order_time: number | null;
  reach_time: number | null;
  state: number;
  media_from_id: number | null;
  disease_id: number | null;
  doctor_id: number | null;
  advisory_way: string | null;
  advisory_content: string | null;
  area: string | null;
  remarks: string | null;
}

/** What a row may change on a pool record it duplicates (on_duplicate=update): profile fields, never tel, times or state. */
export const IMPORT_PROFILE_FIELDS = [
  'name',
  'sex',
  'age',
  'wechat',
  'qq',
  'media_from_id',
  'disease_id',
  'doctor_id',
  'advisory_way',
  'advisory_content',
  'area',
  'remarks',
] as const satisfies readonly (keyof ImportCandidate)[];

export interface RowProblem {
  line: number;
  field: string;
  reason: string;
}

class CellProblem extends Error {}

const SEX_VALUES: Record<string, number> = { 男: 0, male: 0, m: 0, '0': 0, 女: 1, female: 1, f: 1, '1': 1 };
const STATE_VALUES: Record<string, number> = { 未到: 0, '0': 0, 已到: 1, '1': 1, 流失: 2, '2': 2 };
/** Excel's day 0 (serial numbers count days from 1899-12-30). */
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
/** Compiled once; without the g or y flag, test() keeps no state from one row to the next. */
const MOBILE = new RegExp(MOBILE_PATTERN);
const DATE_TIME = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2}))?)?$/;

function text(cell: RawCell, maxLength: number): string | null {
  if (cell === null || cell === undefined) return null;
  const value = (cell instanceof Date ? cell.toISOString() : String(cell)).trim();
  if (value === '') return null;
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(value)) throw new CellProblem('包含不允许的控制字符');
  if (value.length > maxLength) throw new CellProblem(`长度不能超过 ${maxLength}`);
  return value;
}

function time(cell: RawCell, clock: ClinicClock): number | null {
  if (cell instanceof Date) {
    // exceljs hands a date cell over as its wall-clock reading in UTC fields.
    return clock.instantOf(
      cell.getUTCFullYear(),
      cell.getUTCMonth() + 1,
      cell.getUTCDate(),
      cell.getUTCHours(),
      cell.getUTCMinutes(),
      cell.getUTCSeconds(),
    );
  }
  if (typeof cell === 'number' && cell > 0 && cell < 100_000) {
    const wall = new Date(EXCEL_EPOCH_MS + Math.round(cell * 86_400) * 1000);
    return clock.instantOf(
      wall.getUTCFullYear(),
      wall.getUTCMonth() + 1,
      wall.getUTCDate(),
      wall.getUTCHours(),
      wall.getUTCMinutes(),
      wall.getUTCSeconds(),
    );
  }
  const value = text(cell, 40);
  if (value === null) return null;
  if (/^\d+$/.test(value)) {
    const seconds = Number(value);
    if (seconds < 100_000_000 || seconds > MAX_UNIX_SECONDS) throw new CellProblem('Unix 秒超出范围');
    return seconds;
  }
  const match = DATE_TIME.exec(value);
  const instant = match
    ? clock.instantOf(
        ...(match.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number]),
      )
    : null;
  if (instant === null) throw new CellProblem('时间格式应为 2024-03-01 09:30:00、2024/3/1 或 Unix 秒');
  if (instant < 0 || instant > MAX_UNIX_SECONDS) throw new CellProblem('时间超出范围');
  return instant;
}

function catalogId(
  entries: Map<string, CatalogEntry[]>,
  name: string | null,
  label: string,
  departmentId: number | null = null,
): number | null {
  if (name === null) return null;
  const found = (entries.get(name) ?? []).filter(
    (entry) => departmentId === null || entry.departmentId === departmentId,
  );
  if (found.length === 0) throw new CellProblem(`${label}“${name}”不存在`);
  const active = found.filter((entry) => entry.active);
  if (active.length === 0) throw new CellProblem(`${label}“${name}”已停用`);
  if (active.length > 1) throw new CellProblem(`${label}“${name}”不唯一，请同时填写科室`);
  return active[0]!.id;
}

/** Checks one row like POST patient/ would, collecting every problem of the row. */
export function validateRow(
  row: SheetRow,
  columns: ColumnMap,
  catalogs: Catalogs,
  clock: ClinicClock,
): { candidate: ImportCandidate | null; problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  const read = <T>(field: ImportField, parse: (cell: RawCell) => T): T | null => {
    const index = columns.get(field);
    if (index === undefined) return null;
    try {
      return parse(row.cells[index] ?? null);
    } catch (error) {
      if (!(error instanceof CellProblem)) throw error;
      problems.push({ line: row.line, field, reason: error.message });
      return null;
    }
  };
  const name = read('name', (cell) => text(cell, 50));
  if (name === null && !problems.some((problem) => problem.field === 'name'))
    problems.push({ line: row.line, field: 'name', reason: '姓名不能为空' });
  const tel = read('tel', (cell) => {
    const value = text(cell, 20);
    if (value !== null && !MOBILE.test(value)) throw new CellProblem('应为 11 位手机号');
    return value;
  });
  const sex = read('sex', (cell) => {
    const value = text(cell, 10);
    if (value === null) return null;
    const sexValue = SEX_VALUES[value.toLowerCase()];
    if (sexValue === undefined) throw new CellProblem('应为 男 或 女');
    return sexValue;
  });
  const age = read('age', (cell) => {
    const value = text(cell, 10);
    if (value === null) return null;
    if (!/^\d{1,3}$/.test(value) || Number(value) > 150) throw new CellProblem('应为 0 到 150 的整数');
    return Number(value);
  });
  const qq = read('qq', (cell) => {
    const value = text(cell, 12);
    if (value !== null && !/^[1-9]\d{4,11}$/.test(value)) throw new CellProblem('应为 5 到 12 位 QQ 号');
    return value;
  });
  const addTime = read('add_time', (cell) => time(cell, clock));
  if (addTime === null && !problems.some((problem) => problem.field === 'add_time'))
    problems.push({ line: row.line, field: 'add_time', reason: '登记时间不能为空' });
  const orderTime = read('order_time', (cell) => time(cell, clock));
  const reachTime = read('reach_time', (cell) => time(cell, clock));
  const state =
    read('state', (cell) => {
      const value = text(cell, 10);
      if (value === null) return 0;
      const stateValue = STATE_VALUES[value];
      if (stateValue === undefined) throw new CellProblem('应为 未到、已到 或 流失');
      return stateValue;
    }) ?? 0;
  const departmentId = read('department', (cell) => catalogId(catalogs.departments, text(cell, 50), '科室'));
  const candidate = {
    line: row.line,
    name: name ?? '',
    tel,
    sex,
    age,
    wechat: read('wechat', (cell) => text(cell, 50)),
    qq,
    add_time: addTime ?? 0,
    order_time: orderTime,
    reach_time: reachTime,
    state,
    media_from_id: read('channel', (cell) => catalogId(catalogs.channels, text(cell, 50), '来源')),
    disease_id: read('disease', (cell) => catalogId(catalogs.diseases, text(cell, 50), '病种', departmentId)),
    doctor_id: read('doctor', (cell) => catalogId(catalogs.doctors, text(cell, 50), '医生')),
    advisory_way: read('advisory_way', (cell) => {
      const value = text(cell, 20);
      if (value !== null) catalogId(catalogs.advisoryWays, value, '咨询方式');
      return value;
    }),
    advisory_content: read('advisory_content', (cell) => text(cell, 2000)),
    area: read('area', (cell) => text(cell, 50)),
    remarks: read('remarks', (cell) => text(cell, 2000)),
  };
  // The arrival workflow's rules: an arrival has a time, not before registration.
  if (addTime !== null && reachTime !== null && reachTime < addTime) {
    problems.push({ line: row.line, field: 'reach_time', reason: '到诊时间不能早于登记时间' });
  }
  if (state === 1 && reachTime === null && !problems.some((problem) => problem.field === 'reach_time')) {
    problems.push({ line: row.line, field: 'reach_time', reason: '状态为已到时需填写到诊时间' });
  }
  if (state !== 1 && reachTime !== null)
    problems.push({ line: row.line, field: 'state', reason: '填写了到诊时间时状态应为已到' });
  return { candidate: problems.length === 0 ? candidate : null, problems };
}
