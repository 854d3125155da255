import { PictureOutlined, SendOutlined } from '@ant-design/icons';
import { Button, Input } from 'antd';
import { useRef, useState } from 'react';

/** What the server accepts for a consultation's picture (docs/consultations.md). */
export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp'];
export const IMAGE_MAX_BYTES = 5 * 1024 * 1024;
/** The longest message the server takes (MESSAGE_TEXT_MAX). */
export const TEXT_MAX = 2000;

interface ChatComposerProps {
  disabled: boolean;
  /** Resolves to whether the text was sent (the box is emptied only then, so nothing typed is lost). */
  onSendText: (text: string) => Promise<boolean>;
  onSendImage: (file: File) => Promise<void>;
  labels: { input: string; placeholder: string; send: string; image: string };
}

/** The text box, the send button and the picture button under a thread. */
export function ChatComposer({ disabled, onSendText, onSendImage, labels }: ChatComposerProps) {
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const [uploading, setUploading] = useState(false);
  const picker = useRef<HTMLInputElement>(null);

  const send = async () => {
    if (!text.trim() || sending) return;
    setSending(true);
    try {
      if (await onSendText(text.trim())) setText('');
    } finally {
      setSending(false);
    }
  };

  const pick = async (file: File | undefined) => {
    if (!file) return;
    setUploading(true);
    try {
      await onSendImage(file);
    } finally {
      setUploading(false);
      // The same file can be chosen again after a failure.
      if (picker.current) picker.current.value = '';
    }
  };

  return (
    <div style={{ display: 'flex', gap: 8, alignItems: 'flex-end' }}>
      <Button
        icon={<PictureOutlined />}
        aria-label={labels.image}
        title={labels.image}
        disabled={disabled}
        loading={uploading}
        onClick={() => picker.current?.click()}
      />
      <input
        ref={picker}
        type="file"
        accept={IMAGE_TYPES.join(',')}
        hidden
        aria-hidden="true"
        tabIndex={-1}
        onChange={(event) => void pick(event.target.files?.[0])}
      />
      <Input.TextArea
        aria-label={labels.input}
        placeholder={labels.placeholder}
        value={text}
        disabled={disabled}
        maxLength={TEXT_MAX}
        autoSize={{ minRows: 1, maxRows: 4 }}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => {
          // Ctrl/⌘+Enter sends; a plain Enter is a new line (a phone's keyboard has no other).
          if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
            event.preventDefault();
            void send();
          }
        }}
      />
      <Button
        type="primary"
        icon={<SendOutlined />}
        disabled={disabled || !text.trim()}
        loading={sending}
        onClick={() => void send()}
      >
        {labels.send}
      </Button>
    </div>
  );
}
