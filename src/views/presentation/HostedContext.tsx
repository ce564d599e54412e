// Hands the hosted page's own stores to the views: presentation mode, pretrained models, the URL sync
// and what the opening link carried that was ignored.
import { createContext, useContext, type ReactNode } from 'react';
import type { PretrainedStore } from '../../state/pretrained';
import type { IgnoredKey, UrlSync } from '../../state/url';
import type { PresentationStore } from './presentationStore';

export interface Hosted {
  presentation: PresentationStore;
  pretrained: PretrainedStore;
  url: UrlSync;
  /** Keys of the opening link that were not obeyed (shown once, dismissible). */
  ignoredUrlKeys: readonly IgnoredKey[];
}

const HostedContext = createContext<Hosted | null>(null);

export function HostedProvider({ hosted, children }: { hosted: Hosted; children: ReactNode }) {
  return <HostedContext.Provider value={hosted}>{children}</HostedContext.Provider>;
}

export function useHosted(): Hosted {
  const hosted = useContext(HostedContext);
  if (!hosted) throw new Error('src/views/presentation/HostedContext.tsx: a view was rendered outside <HostedProvider>');
  return hosted;
}
