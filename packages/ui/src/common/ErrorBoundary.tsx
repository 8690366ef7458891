import { Component, type ReactNode } from 'react';
import { Message } from './Message.js';

interface State { error: Error | null }

/** Catches a rendering error in one page and shows it, so the rest of the app keeps working. */
export class ErrorBoundary extends Component<{ children: ReactNode; resetKey: string }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidUpdate(prev: { resetKey: string }): void {
    if (prev.resetKey !== this.props.resetKey && this.state.error) this.setState({ error: null });
  }

  override render(): ReactNode {
    if (this.state.error) {
      return (
        <Message kind="error" title="This page failed to render" testId="render-error">
          {this.state.error.message}. Other pages still work; try going back or reloading.
        </Message>
      );
    }
    return this.props.children;
  }
}
