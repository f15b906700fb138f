package config

import (
	"fmt"
	"time"
)

// MaxTargetTimeout is the longest a target instance's timeout may be: the activity that
// makes a target call has 30 s to finish (StartToClose of workflows' connectorCall), so a
// longer timeout would not be waited for, the call cut short at 30 s whatever the key said.
const MaxTargetTimeout = 30 * time.Second

// checkTargetTimeout checks a target instance's timeout key.
func checkTargetTimeout(key string, d time.Duration) []error {
	switch {
	case d < 0:
		return []error{fmt.Errorf("%s.timeout: must be positive", key)}
	case d > MaxTargetTimeout:
		return []error{fmt.Errorf("%s.timeout: %s is more than %s, the time a target call's activity is given; at most %s", key, d, MaxTargetTimeout, MaxTargetTimeout)}
	}
	return nil
}
