package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// proc is a process whose CPU time the stages report (see groupCPU).
type proc struct {
	name string
	pid  int
}

// parsePids reads name=PID,… .
func parsePids(s string) ([]proc, error) {
	var out []proc
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		name, pid, ok := strings.Cut(part, "=")
		n, err := strconv.Atoi(pid)
		if !ok || err != nil || n <= 0 {
			return nil, fmt.Errorf("-pids: %q is not name=PID", part)
		}
		out = append(out, proc{name: name, pid: n})
	}
	return out, nil
}

// clockTicks is USER_HZ, the unit of /proc/PID/stat's CPU times; 100 on Linux.
const clockTicks = 100

// cpuSample is the CPU time used so far by this process and by each proc's group.
type cpuSample struct {
	self  time.Duration
	procs []time.Duration
}

func sampleCPU(procs []proc) cpuSample {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	s := cpuSample{self: time.Duration(ru.Utime.Nano() + ru.Stime.Nano())}
	for _, p := range procs {
		s.procs = append(s.procs, groupCPU(p.pid))
	}
	return s
}

// since formats the CPU seconds used between s0 and s.
func (s cpuSample) since(s0 cpuSample, procs []proc) string {
	parts := []string{fmt.Sprintf("cpu: worker+bench %.1fs", (s.self - s0.self).Seconds())}
	for i, p := range procs {
		parts = append(parts, fmt.Sprintf("%s %.1fs", p.name, (s.procs[i]-s0.procs[i]).Seconds()))
	}
	return strings.Join(parts, ", ")
}

// groupCPU is the CPU time (utime+stime) of the process and, when it leads its process
// group (Samba, started with setsid), of every process in the group. Processes that ended
// meanwhile are not counted.
func groupCPU(pid int) time.Duration {
	pgrp, ticks, ok := procStat(fmt.Sprintf("/proc/%d/stat", pid))
	if !ok {
		return 0
	}
	if pgrp == pid {
		ticks = 0
		stats, _ := filepath.Glob("/proc/[0-9]*/stat")
		for _, path := range stats {
			if g, t, ok := procStat(path); ok && g == pid {
				ticks += t
			}
		}
	}
	return time.Duration(ticks) * time.Second / clockTicks
}

// procStat reads a /proc/PID/stat file's process group and utime+stime in clock ticks.
func procStat(path string) (pgrp int, ticks int64, ok bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, 0, false
	}
	// The command name is in parentheses and may hold spaces: fields start after ")".
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0, 0, false
	}
	// f[0] is field 3 (state): pgrp is field 5, utime 14, stime 15.
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, 0, false
	}
	pgrp, _ = strconv.Atoi(f[2])
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return pgrp, u + s, true
}
