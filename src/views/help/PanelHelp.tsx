// The collapsible "What am I looking at?" box above each panel, plus the panel's one-line summary as a
// large caption in presentation mode (the stylesheet shows it only there).
import { helpFor } from './texts';

export function PanelHelp({ panelId, summary }: { panelId: string; summary: string }) {
  const help = helpFor(panelId);
  return (
    <div className="panel-intro">
      <p className="panel-caption">{summary}</p>
      {help && (
        <details className="panel-help" data-testid="panel-help">
          <summary>What am I looking at?</summary>
          <div className="panel-help-body">
            <p>{help.what}</p>
            <p><strong>Why it matters.</strong> {help.why}</p>
            <p><strong>Try this.</strong> {help.tryThis}</p>
          </div>
        </details>
      )}
    </div>
  );
}
