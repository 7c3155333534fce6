package sandbox

import "context"

// runtime returns the OCI runtime the sandbox's containers run under: Config.Runtime, or, when
// that is empty and the engine's default runtime is gVisor, that default, so that the gVisor
// adjustments of containerSpec and oomKilled apply to it too. The engine is asked once, within
// the engine deadline; a question that failed is asked again at the next container.
func (s *Sandbox) runtime(ctx context.Context) (string, error) {
	if s.cfg.Runtime != "" {
		return s.cfg.Runtime, nil
	}
	s.rtMu.Lock()
	defer s.rtMu.Unlock()
	if !s.rtKnown {
		ictx, cancel := context.WithTimeout(ctx, s.cfg.EngineTimeout)
		defer cancel()
		info, err := s.engine.Info(ictx)
		if err != nil {
			return "", err
		}
		s.rtKnown = true
		if IsGVisor(info.DefaultRuntime) {
			s.rtDefault = info.DefaultRuntime
		}
	}
	return s.rtDefault, nil
}
