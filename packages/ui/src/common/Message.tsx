import type { ReactNode } from 'react';

/** A notice box: what happened and what to do, never a blank page. */
export function Message(props: { kind: 'error' | 'info' | 'warn'; title: string; children?: ReactNode; testId?: string }) {
  return (
    <div className={`message message-${props.kind}`} role={props.kind === 'error' ? 'alert' : 'status'} data-testid={props.testId}>
      <strong>{props.title}</strong>
      {props.children ? <div className="message-body">{props.children}</div> : null}
    </div>
  );
}
