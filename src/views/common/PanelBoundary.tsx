// Keeps one failing panel from blanking the page: shows what broke in its place and reports it to
// the error banner.
import { Component, type ReactNode } from 'react';

interface Props {
  name: string;
  onError(message: string): void;
  children: ReactNode;
}

export class PanelBoundary extends Component<Props, { message: string | null }> {
  override state = { message: null as string | null };

  static getDerivedStateFromError(error: unknown) {
    return { message: error instanceof Error ? error.message : String(error) };
  }

  override componentDidCatch(error: unknown) {
    this.props.onError(`The ${this.props.name} panel failed: ${error instanceof Error ? error.message : String(error)}`);
  }

  override render() {
    if (this.state.message === null) return this.props.children;
    return (
      <section className="panel panel-failed">
        <p>The {this.props.name} panel stopped working: {this.state.message}</p>
        <button type="button" className="link-button" onClick={() => this.setState({ message: null })}>Try again</button>
      </section>
    );
  }
}
