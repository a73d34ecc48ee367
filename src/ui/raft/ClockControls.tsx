import { formatSeconds, formatSpeed, sliderToSpeed, speedToSlider } from './format';

/** Props of {@link ClockControls}. */
export interface ClockControlsProps {
  paused: boolean;
  speed: number;
  nowMs: number;
  onTogglePause: () => void;
  onSpeed: (speed: number) => void;
}

/** Pause/Play, the log-scale Speed slider (0.01×–10×) and the virtual clock. */
export function ClockControls({ paused, speed, nowMs, onTogglePause, onSpeed }: ClockControlsProps) {
  return (
    <div className="clock-controls">
      <button type="button" className="play-pause" data-paused={paused} onClick={onTogglePause}>
        {paused ? 'Play' : 'Pause'}
      </button>
      <label className="speed">
        <span>Speed</span>
        <input
          type="range"
          aria-label="Speed"
          min={-2}
          max={1}
          step={0.01}
          value={speedToSlider(speed)}
          aria-valuetext={formatSpeed(speed)}
          onChange={(e) => onSpeed(sliderToSpeed(Number(e.currentTarget.value)))}
        />
        <output>{formatSpeed(speed)}</output>
      </label>
      <p className="virtual-time">
        virtual time{' '}
        <span role="timer" aria-label="Virtual time">
          {formatSeconds(nowMs)}
        </span>
      </p>
    </div>
  );
}
