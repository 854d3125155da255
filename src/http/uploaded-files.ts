import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from './errors.js';

/**
 * One uploaded file of a multipart body (the route's scope registers @fastify/multipart with its
 * limits). Read after authentication: the token travels as Bearer or in the query string, never
 * in the multipart body.
 */
export async function readOneFile(request: FastifyRequest, maxBytes: number): Promise<Buffer> {
  if (!request.isMultipart())
    throw new AppError('unsupported_media_type', '请以 multipart/form-data 上传文件（字段名 file）');
  try {
    const file = await request.file();
    if (!file) throw new AppError('parameter_missing', '缺少参数: file（请选择文件）', { extra: { field: 'file' } });
    const bytes = await file.toBuffer();
    if (bytes.length === 0)
      throw new AppError('parameter_missing', '缺少参数: file（文件为空）', { extra: { field: 'file' } });
    return bytes;
  } catch (error) {
    if (error instanceof AppError) throw error;
    if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE')
      throw new AppError('payload_too_large', `文件不能超过 ${maxBytes / 1024 / 1024} MB`);
    throw new AppError('malformed_body', '上传内容格式错误（multipart/form-data）', { cause: error });
  }
}

/**
 * Sends a file of a patient's record: its type as sniffed at upload, never guessed again; images
 * inline under a CSP that runs nothing, PDFs as downloads (never rendered within our origin); kept
 * by no shared cache. `namePrefix` names the download (attachment-12.pdf, image-40.png).
 */
export function sendPrivateFile(
  reply: FastifyReply,
  file: { bytes: Buffer; contentType: string; id: number },
  namePrefix: string,
) {
  const isPdf = file.contentType === 'application/pdf';
  const extension = isPdf ? 'pdf' : file.contentType.split('/')[1];
  return reply
    .header('content-type', file.contentType)
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'private, no-store')
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header(
      'content-disposition',
      `${isPdf ? 'attachment' : 'inline'}; filename="${namePrefix}-${file.id}.${extension}"`,
    )
    .send(file.bytes);
}
