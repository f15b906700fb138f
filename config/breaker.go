package config

import (
	"fmt"
	"time"
)

// Breaker is a target instance's circuit breaker (its breaker key): when more than
// FailureRatio of at least MinCalls calls in the last Window found the target unwell, ILM
// pauses the target, its calls waiting instead of failing into reviews, and lets one call
// through every ProbeEvery to see whether it is back.
type Breaker struct {
	MinCalls     int      `yaml:"min_calls"`
	FailureRatio float64  `yaml:"failure_ratio"`
	Window       Duration `yaml:"window"`
	ProbeEvery   Duration `yaml:"probe_every"`
}

// Breaker defaults: more than half of at least 20 calls in 10 minutes; a probe a minute.
const (
	DefaultBreakerMinCalls     = 20
	DefaultBreakerFailureRatio = 0.5
	DefaultBreakerWindow       = 10 * time.Minute
	DefaultBreakerProbeEvery   = time.Minute
)

func (b *Breaker) applyDefaults() {
	if b.MinCalls == 0 {
		b.MinCalls = DefaultBreakerMinCalls
	}
	if b.FailureRatio == 0 {
		b.FailureRatio = DefaultBreakerFailureRatio
	}
	if b.Window.Duration == 0 {
		b.Window.Duration = DefaultBreakerWindow
	}
	if b.ProbeEvery.Duration == 0 {
		b.ProbeEvery.Duration = DefaultBreakerProbeEvery
	}
}

// validate checks the breaker of the instance at key. The window counts whole minutes.
func (b *Breaker) validate(key string) []error {
	var errs []error
	if b.MinCalls < 1 {
		errs = append(errs, fmt.Errorf("%s.breaker.min_calls: must be at least 1", key))
	}
	if b.FailureRatio <= 0 || b.FailureRatio >= 1 {
		errs = append(errs, fmt.Errorf("%s.breaker.failure_ratio: must be more than 0 and less than 1 (the target pauses when more than this share of calls fail)", key))
	}
	if w := b.Window.Duration; w < time.Minute || w%time.Minute != 0 {
		errs = append(errs, fmt.Errorf("%s.breaker.window: %s is not a whole number of minutes, at least 1m", key, w))
	}
	if b.ProbeEvery.Duration < time.Second {
		errs = append(errs, fmt.Errorf("%s.breaker.probe_every: must be at least 1s", key))
	}
	return errs
}

// TargetBreaker returns the breaker of the target instance called name: the defaults for
// an instance the config does not have.
func (c *Config) TargetBreaker(name string) Breaker {
	in, _ := c.Instance(name)
	if t := in.Target(); t != nil {
		return t.Breaker
	}
	var b Breaker
	b.applyDefaults()
	return b
}

// TargetInstances returns the names of the instances that are provisioning targets, in file order.
func (c *Config) TargetInstances() []string {
	var names []string
	for _, in := range c.Instances {
		if in.Target() != nil {
			names = append(names, in.Name)
		}
	}
	return names
}
