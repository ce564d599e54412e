// An error boundary that reports a panel's failure in the page's error banner instead of blanking the page.
import type { ReactNode } from 'react';
import { useLab } from '../LabContext';
import { PanelBoundary } from './PanelBoundary';

export function Guard({ name, children }: { name: string; children: ReactNode }) {
  const { session } = useLab();
  return (
    <PanelBoundary name={name} onError={(message) => session.getState().reportError(message)}>
      {children}
    </PanelBoundary>
  );
}
