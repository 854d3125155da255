import { type DependencyList, useCallback, useEffect, useRef, useState } from 'react';

/**
 * A consultation thread as both apps show it. Each API family has its own message shape; the
 * pages translate theirs into this one, so the bubbles and the thread's bookkeeping are shared.
 */
export interface ChatMessage {
  id: number;
  /** me = the person at this screen (the patient in the portal, the doctor in the back office). */
  from: 'me' | 'them' | 'system';
  kind: 'text' | 'image' | 'closed';
  text: string | null;
  imageUrl: string | null;
  createdAt: number;
}

export interface ThreadPage<C> {
  consultation: C;
  messages: ChatMessage[];
  hasMore: boolean;
}

export type ThreadLoader<C> = (page: { after?: number; before?: number }) => Promise<ThreadPage<C>>;

/** Messages by id, oldest first, each once: a message can come both from a fetch and from the stream. */
function merge(current: ChatMessage[], incoming: ChatMessage[]): ChatMessage[] {
  const byId = new Map(current.map((message) => [message.id, message]));
  for (const message of incoming) byId.set(message.id, message);
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

/**
 * Loads the latest page of a thread, then grows it: older pages on request, newer messages as
 * they arrive (`add`) or after the live stream was down (`catchUp`). Answers for a thread that is
 * no longer the one shown are dropped.
 */
export function useChatThread<C>(load: ThreadLoader<C>, deps: DependencyList) {
  const [consultation, setConsultation] = useState<C>();
  const [messages, setMessages] = useState<ChatMessage[]>([]);
  const [hasMore, setHasMore] = useState(false);
  const [error, setError] = useState<unknown>();
  const [loadingEarlier, setLoadingEarlier] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const generation = useRef(0);
  const messagesRef = useRef(messages);
  messagesRef.current = messages;
  const loadRef = useRef(load);
  loadRef.current = load;
  /** A catch-up asked for before the first page arrived runs once it has. */
  const catchUpPending = useRef(false);

  /** Adds the messages after `lastId` (all of them without one) to the thread of generation `mine`. */
  const catchUpAfter = useCallback(async (lastId: number | undefined, mine: number) => {
    const page = await loadRef.current(lastId === undefined ? {} : { after: lastId });
    if (mine !== generation.current) return;
    setConsultation(page.consultation);
    setMessages((current) => merge(current, page.messages));
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller names what the loader depends on (`deps`); `attempt` is the reload trigger
  useEffect(() => {
    const mine = ++generation.current;
    catchUpPending.current = false;
    setConsultation(undefined);
    setMessages([]);
    setError(undefined);
    loadRef
      .current({})
      .then((page) => {
        if (mine !== generation.current) return;
        setConsultation(page.consultation);
        setMessages(page.messages);
        setHasMore(page.hasMore);
        if (catchUpPending.current) {
          catchUpPending.current = false;
          void catchUpAfter(page.messages.at(-1)?.id, mine).catch(() => undefined);
        }
      })
      .catch((cause: unknown) => mine === generation.current && setError(cause));
  }, [...deps, attempt]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);

  const add = useCallback((incoming: ChatMessage[], latest?: C) => {
    if (latest !== undefined) setConsultation(latest);
    setMessages((current) => merge(current, incoming));
  }, []);

  const loadEarlier = useCallback(async () => {
    const mine = generation.current;
    const first = messagesRef.current[0];
    if (!first) return;
    setLoadingEarlier(true);
    try {
      const page = await loadRef.current({ before: first.id });
      if (mine !== generation.current) return;
      setHasMore(page.hasMore);
      add(page.messages);
    } catch (cause) {
      if (mine === generation.current) setError(cause);
    } finally {
      setLoadingEarlier(false);
    }
  }, [add]);

  /**
   * Fetches whatever came after the newest message shown: what was stored while the live stream
   * was not listening (before it started, or while it reconnected).
   */
  const catchUp = useCallback(async () => {
    const last = messagesRef.current.at(-1);
    if (!last) {
      catchUpPending.current = true;
      return;
    }
    await catchUpAfter(last.id, generation.current);
  }, [catchUpAfter]);

  return { consultation, messages, hasMore, error, loadingEarlier, reload, add, loadEarlier, catchUp };
}
