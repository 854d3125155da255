import { DEFAULT_NOTIFICATION_TEMPLATES } from '../../db/notification-template-defaults.js';
import type { AuditActor } from '../../domain/audit.js';
import { AppError, invalidField } from '../../http/errors.js';
import type { CoreServices } from '../../services.js';
import { NOTIFICATION_EVENTS, type NotificationEvent, templateProblems, wechatFields } from './catalogue.js';
import type { TemplateCache } from './template-cache.js';
import type { TemplateRecord, TemplateRepository } from './template-repository.js';

export interface TemplateInput {
  subject?: string | null;
  body: string;
  provider_template?: string | null;
  sign_name?: string | null;
}

const isKnownEvent = (event: string): event is NotificationEvent =>
  (NOTIFICATION_EVENTS as readonly string[]).includes(event);

const emptyAsNull = (value: string | null | undefined) =>
  value === undefined ? undefined : value === null || value.trim() === '' ? null : value.trim();

/**
 * The template editor: a template is checked before it is saved, so every message rendered from
 * it is whole. An unknown placeholder or a missing required one is a 400 naming them.
 */
export class TemplateService {
  constructor(
    private readonly core: CoreServices,
    private readonly templates: TemplateRepository,
    private readonly cache: TemplateCache,
  ) {}

  list() {
    return this.templates.list();
  }

  async update(id: number, input: TemplateInput, staffId: number, actor: AuditActor, now: number) {
    const current = await this.templates.find(id);
    if (!current) throw new AppError('not_found', '模板不存在');
    const next = this.checked(current, input);
    return this.save(current, next, 'update', staffId, actor, now);
  }

  /** Subject and body back to what the installation started with; template code and sign name stay. */
  async reset(id: number, staffId: number, actor: AuditActor, now: number) {
    const current = await this.templates.find(id);
    if (!current) throw new AppError('not_found', '模板不存在');
    const original = DEFAULT_NOTIFICATION_TEMPLATES.find(
      (template) =>
        template.event === current.event &&
        template.language === current.language &&
        template.channel === current.channel,
    );
    if (!original) throw new AppError('not_found', '该模板没有默认内容');
    const next = { ...current, subject: original.subject, body: original.body };
    return this.save(current, next, 'reset', staffId, actor, now);
  }

  private checked(current: TemplateRecord, input: TemplateInput): TemplateRecord {
    if (!isKnownEvent(current.event)) throw new AppError('conflict', '未知的消息事件');
    const body = input.body.replace(/\r\n/g, '\n');
    if (body.trim() === '') throw invalidField('body', '不能为空');
    const subject = current.channel === 'email' ? (emptyAsNull(input.subject) ?? null) : null;
    if (current.channel === 'email' && !subject) throw invalidField('subject', '邮件模板须有主题');
    if (current.channel !== 'email' && emptyAsNull(input.subject)) throw invalidField('subject', '只有邮件模板有主题');
    if (current.channel === 'wechat' && !wechatFields(body))
      throw invalidField('body', '微信模板须为每行“字段: 内容”，字段为微信模板的关键词（如 thing1）');
    const problems = templateProblems(current.event, [subject ?? '', body]);
    if (problems.unknown.length > 0 || problems.missing.length > 0) {
      const parts = [
        ...(problems.unknown.length > 0
          ? [`未知占位符 ${problems.unknown.map((name) => `{${name}}`).join('、')}`]
          : []),
        ...(problems.missing.length > 0
          ? [`缺少必需占位符 ${problems.missing.map((name) => `{${name}}`).join('、')}`]
          : []),
      ];
      throw new AppError('invalid_value', `参数不合法: body（${parts.join('；')}）`, {
        extra: { field: 'body', unknownPlaceholders: problems.unknown, missingPlaceholders: problems.missing },
      });
    }
    const providerTemplate = emptyAsNull(input.provider_template);
    const signName = emptyAsNull(input.sign_name);
    if (current.channel === 'email' && (providerTemplate || signName))
      throw invalidField(providerTemplate ? 'provider_template' : 'sign_name', '邮件模板不需要');
    if (current.channel === 'wechat' && signName) throw invalidField('sign_name', '只有短信模板有签名');
    return {
      ...current,
      subject,
      body,
      provider_template: providerTemplate === undefined ? current.provider_template : providerTemplate,
      sign_name: signName === undefined ? current.sign_name : signName,
    };
  }

  private async save(
    current: TemplateRecord,
    next: TemplateRecord,
    how: 'update' | 'reset',
    staffId: number,
    actor: AuditActor,
    now: number,
  ) {
    const changed: Record<string, { before: unknown; after: unknown }> = {};
    for (const field of ['subject', 'body', 'provider_template', 'sign_name'] as const)
      if (current[field] !== next[field]) changed[field] = { before: current[field], after: next[field] };
    await this.core.db.transaction().execute(async (trx) => {
      await this.templates.update(
        current.id,
        {
          subject: next.subject,
          body: next.body,
          provider_template: next.provider_template,
          sign_name: next.sign_name,
          updated_at: now,
          updated_by: staffId,
        },
        trx,
      );
      await this.core.audit.record(
        actor,
        {
          action: 'notification.template_update',
          targetType: 'notification_template',
          targetId: current.id,
          details: { event: current.event, language: current.language, channel: current.channel, how, changed },
        },
        trx,
      );
    });
    this.cache.clear();
    const saved = await this.templates.find(current.id);
    if (!saved) throw new AppError('not_found', '模板不存在');
    return saved;
  }
}
