package scim

import "time"

// SetClock makes c read the time from now (how long discovery is trusted).
func SetClock(c *Client, now func() time.Time) { c.now = now }
