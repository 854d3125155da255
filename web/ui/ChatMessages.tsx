import { Button } from 'antd';
import { type CSSProperties, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { ChatMessage } from './useChatThread';

interface ChatMessagesProps {
  messages: ChatMessage[];
  /** Fetches an image with the session's token (the image addresses are private). */
  loadImage: (url: string) => Promise<Blob>;
  formatTime: (seconds: number) => string;
  label: string;
  imageAlt: string;
  imageFailed: string;
  /** Shown for the closing note in the reader's language (the server's text is Chinese). */
  closedText: string;
  earlier?: { label: string; loading: boolean; onLoad: () => void };
  style?: CSSProperties;
}

const BUBBLE: Record<'me' | 'them', CSSProperties> = {
  me: { alignSelf: 'flex-end', background: '#1677ff', color: '#fff', borderRadius: '12px 12px 2px 12px' },
  them: { alignSelf: 'flex-start', background: '#fff', color: 'rgba(0,0,0,0.88)', borderRadius: '12px 12px 12px 2px' },
};

/**
 * The bubbles of a consultation: mine on the right, the other side's on the left, the system's
 * notes centred. It is a live region (role log), so a screen reader reads a message as it arrives.
 * It keeps the newest message in view when one arrives, but not when older ones are loaded above.
 */
export function ChatMessages({
  messages,
  loadImage,
  formatTime,
  label,
  imageAlt,
  imageFailed,
  closedText,
  earlier,
  style,
}: ChatMessagesProps) {
  const box = useRef<HTMLDivElement>(null);
  const newest = messages.at(-1)?.id;
  // biome-ignore lint/correctness/useExhaustiveDependencies: scrolls when the newest message changes, not on every render
  useLayoutEffect(() => {
    const element = box.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, [newest]);

  return (
    <div
      ref={box}
      role="log"
      aria-label={label}
      style={{
        display: 'flex',
        flexDirection: 'column',
        gap: 8,
        padding: 12,
        overflowY: 'auto',
        background: '#f5f5f5',
        ...style,
      }}
    >
      {earlier ? (
        <Button size="small" type="link" loading={earlier.loading} onClick={earlier.onLoad}>
          {earlier.label}
        </Button>
      ) : null}
      {messages.map((message) =>
        message.from === 'system' ? (
          <div key={message.id} style={{ alignSelf: 'center', color: 'rgba(0,0,0,0.45)', fontSize: 12 }}>
            {message.kind === 'closed' ? closedText : message.text} · {formatTime(message.createdAt)}
          </div>
        ) : (
          <div key={message.id} style={{ ...BUBBLE[message.from], maxWidth: '78%', padding: '8px 12px' }}>
            {message.kind === 'image' && message.imageUrl ? (
              <ChatImage url={message.imageUrl} load={loadImage} alt={imageAlt} failed={imageFailed} />
            ) : (
              <div style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{message.text}</div>
            )}
            <div style={{ fontSize: 11, opacity: 0.7, marginTop: 2, textAlign: 'right' }}>
              {formatTime(message.createdAt)}
            </div>
          </div>
        ),
      )}
    </div>
  );
}

/** A blob as a data: address (what the server's Content-Security-Policy lets an <img> show). */
function dataUrlOf(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

/**
 * A thumbnail that opens the full picture in a new tab. The address needs the token, so the
 * picture is fetched; the page's CSP allows images from data: (not blob:), while opening a tab
 * on a data: address is blocked by browsers: the thumbnail is a data: address, the link a blob:.
 */
function ChatImage({
  url,
  load,
  alt,
  failed,
}: {
  url: string;
  load: (url: string) => Promise<Blob>;
  alt: string;
  failed: string;
}) {
  const [picture, setPicture] = useState<{ src: string; href: string } | null>(null);
  const [error, setError] = useState(false);
  useEffect(() => {
    let href: string | null = null;
    let current = true;
    load(url)
      .then(async (blob) => {
        const src = await dataUrlOf(blob);
        if (!current) return;
        href = URL.createObjectURL(blob);
        setPicture({ src, href });
      })
      .catch(() => current && setError(true));
    return () => {
      current = false;
      if (href) URL.revokeObjectURL(href);
    };
  }, [url, load]);
  if (error) return <span>{failed}</span>;
  if (!picture) return <div style={{ width: 120, height: 90 }} aria-busy="true" />;
  return (
    <a href={picture.href} target="_blank" rel="noreferrer">
      <img src={picture.src} alt={alt} style={{ display: 'block', maxWidth: 160, maxHeight: 160, borderRadius: 6 }} />
    </a>
  );
}
