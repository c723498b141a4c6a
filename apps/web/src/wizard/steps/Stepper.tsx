import { steps } from '../state.ts';

/** The wizard's steps as links: the current one marked, the ones not reached yet disabled. */
export function Stepper({
  step,
  visited,
  goTo,
}: {
  step: number;
  visited: number;
  goTo: (step: number) => void;
}) {
  return (
    <nav aria-label="Steps">
      <ol className="stepper">
        {steps.map((label, i) => (
          <li key={label} className={i === step ? 'current' : i <= visited ? 'done' : undefined}>
            <button
              type="button"
              className="link"
              disabled={i > visited}
              aria-current={i === step ? 'step' : undefined}
              onClick={() => goTo(i)}
              data-testid={`step-${i + 1}`}
            >
              <span className="step-number">{i + 1}</span> {label}
            </button>
          </li>
        ))}
      </ol>
    </nav>
  );
}
