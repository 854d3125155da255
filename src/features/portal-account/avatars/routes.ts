import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { portalOk } from '../../../http/envelopes.js';
import { AppError } from '../../../http/errors.js';
import { auditActorOf, nowSeconds, patientOf } from '../../../http/request-context.js';
import { portalSuccessSchema, withErrors } from '../../../http/schemas.js';
import type { TypedApp } from '../../../http/typed-app.js';
import type { CoreServices } from '../../../services.js';
import type { PortalAccountRepository } from '../repository.js';
import type { AvatarFiles } from './avatar-files.js';
import { AVATAR_FILE_PATTERN, AVATAR_MAX_BYTES, type AvatarStorage, detectImageType } from './storage.js';

const tooLarge = () => new AppError('payload_too_large', '头像文件不能超过 2 MB');

/** POST /patient/avatar, in its own scope so that multipart parsing exists for this route only. */
export interface AvatarDependencies {
  core: CoreServices;
  files: AvatarFiles;
  storage: AvatarStorage;
  accounts: PortalAccountRepository;
}

export async function registerAvatarUploadRoute(
  app: TypedApp,
  { core, files, storage, accounts }: AvatarDependencies,
): Promise<void> {
  await app.register(async (scope: TypedApp) => {
    await scope.register(multipart, { limits: { fileSize: AVATAR_MAX_BYTES, files: 1, fields: 5, parts: 6 } });
    scope.post('/avatar', {
      schema: {
        tags: ['portal: account'],
        summary: 'Upload my avatar (multipart/form-data, one file field) -> {avatar_url}',
        description:
          "PNG, JPEG or WebP, recognised from the file's first bytes (the name and declared type are ignored): anything else 400. " +
          'At most 2 MB (413). Stored under DATA_DIR/uploads/avatars/ with a random name and served publicly at the returned ' +
          "avatar_url (/uploads/avatars/<random>.<ext>; unguessable, so an <img> needs no token). The profile's avatar_url is set " +
          "to it and the patient's previous uploaded file is deleted; never a file stored for anyone else. This is the only way " +
          'to set an avatar: PUT|PATCH /patient/patient_manage takes no external URL.',
        security: [{ bearerAuth: [] }],
        consumes: ['multipart/form-data'],
        response: withErrors(
          'portal',
          { 200: portalSuccessSchema(Type.Object({ avatar_url: Type.String() })) },
          [400, 401, 413, 415],
        ),
      },
      config: { access: 'patient' },
      handler: async (request) => {
        const principal = patientOf(request);
        if (!request.isMultipart())
          throw new AppError('unsupported_media_type', '请以 multipart/form-data 上传图片文件');
        let bytes: Buffer;
        try {
          const file = await request.file();
          if (!file) throw new AppError('parameter_missing', '缺少参数: file（请选择图片文件）');
          bytes = await file.toBuffer();
        } catch (error) {
          if (error instanceof AppError) throw error;
          if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge();
          // Anything else here is the client's multipart encoding (no boundary, truncated body ...).
          throw new AppError('malformed_body', '上传内容格式错误（multipart/form-data）', { cause: error });
        }
        const extension = detectImageType(bytes);
        if (!extension)
          throw new AppError('invalid_value', '仅支持 PNG、JPEG、WebP 格式的图片', { extra: { field: 'file' } });
        const saved = await storage.save(bytes, extension);
        let released: string[] = [];
        try {
          await core.db.transaction().execute(async (trx) => {
            const now = nowSeconds();
            released = await files.adoptUpload(principal.patientId, saved.fileName, now, trx);
            await accounts.updatePatient(principal.patientId, { avatar_url: saved.url, updated_at: now }, trx);
            await core.audit.record(
              auditActorOf(request),
              {
                action: 'portal.avatar_upload',
                targetType: 'patient',
                targetId: principal.patientId,
                details: { file: saved.fileName, bytes: bytes.length, type: extension },
              },
              trx,
            );
          });
        } catch (error) {
          await storage.remove(saved.url);
          throw error;
        }
        await files.removeReleased(released);
        // Purged records' files go here: the purge (patients feature) marks them, an upload has the disk at hand.
        await files
          .sweepPurged()
          .catch((error: unknown) => request.log.warn({ err: error }, 'avatar sweep failed; the next upload retries'));
        return portalOk({ avatar_url: saved.url }, '头像已更新');
      },
    });
  });
}

/** GET /uploads/avatars/:file: public, fixed name pattern, type from the stored extension, never sniffed. */
export function registerAvatarFileRoute(
  app: FastifyInstance,
  { files, storage }: Pick<AvatarDependencies, 'files' | 'storage'>,
): void {
  app.get('/uploads/avatars/:file', {
    schema: {
      tags: ['portal: account'],
      summary: 'An uploaded avatar image (public; the name is 128 random bits)',
      description:
        'Only files stored for a patient record (recycle bin included) are served: not after the record is purged.',
      params: Type.Object({ file: Type.String({ maxLength: 100 }) }),
    },
    config: { access: 'public' },
    handler: async (request, reply) => {
      const { file } = request.params as { file: string };
      const found =
        AVATAR_FILE_PATTERN.test(file) && (await files.isServed(file)) ? await storage.read(file) : undefined;
      if (!found) throw new AppError('not_found', '文件不存在');
      return (
        reply
          .header('content-type', found.contentType)
          .header('x-content-type-options', 'nosniff')
          // A patient's photo is personal data: the browser may keep it (the name never changes content),
          // a shared proxy may not, or it would go on serving it after the record is purged.
          .header('cache-control', 'private, max-age=86400')
          .header('content-security-policy', "default-src 'none'")
          .send(found.bytes)
      );
    },
  });
}
