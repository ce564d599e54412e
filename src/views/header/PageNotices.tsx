// Notices under the header: what the opening link carried that was ignored, and the pretrained
// models' status line with their failures (dismissible) and the ones that wait for a click.
import { useState } from 'react';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { pretrainedLabel, pretrainedStatusLine } from '../../state/pretrained';
import { describeIgnored } from '../../state/url';
import { useSession } from '../LabContext';
import { useHosted } from '../presentation/HostedContext';

function UrlNotice() {
  const { ignoredUrlKeys } = useHosted();
  const [dismissed, setDismissed] = useState(false);
  if (dismissed || ignoredUrlKeys.length === 0) return null;
  return (
    <div className="notice notice-url" role="status" data-testid="url-notice">
      <span>{describeIgnored(ignoredUrlKeys)}</span>
      <button type="button" className="link-button" onClick={() => setDismissed(true)}>Dismiss</button>
    </div>
  );
}

function formatMegabytes(bytes: number | null): string {
  return bytes === null ? '' : ` (${(bytes / 1048576).toFixed(1)} MB)`;
}

function PretrainedNotice() {
  const { pretrained } = useHosted();
  const dataset = useSession((s) => s.dataset);
  const line = useStore(pretrained, (s) => pretrainedStatusLine(s, dataset));
  const error = useStore(pretrained, (s) => s.error);
  const onDemand = useStore(pretrained, useShallow((s) => s.items.filter((it) => it.entry.dataset === dataset && it.status === 'on-demand')));
  return (
    <>
      <div className="notice notice-pretrained">
        <span role="status" data-testid="pretrained-status">{line}</span>
        {onDemand.map((it) => (
          <button key={it.entry.file} type="button" className="chip" onClick={() => void pretrained.getState().loadFile(it.entry.file)}>
            Load pretrained {pretrainedLabel(it.entry)}{formatMegabytes(it.entry.sizeBytes)}
          </button>
        ))}
      </div>
      {error && (
        <div className="notice notice-error" role="alert" data-testid="pretrained-error">
          <span>{error}</span>
          <button type="button" className="link-button" onClick={() => pretrained.getState().dismissError()}>Dismiss</button>
        </div>
      )}
    </>
  );
}

export function PageNotices() {
  return (
    <div className="page-notices">
      <UrlNotice />
      <PretrainedNotice />
    </div>
  );
}
