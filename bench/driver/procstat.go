package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// clockTicks is USER_HZ, the unit of utime and stime in /proc/PID/stat. It
// is 100 on every Linux architecture Go supports (the kernel fixes it for
// user space, whatever its internal HZ), and Go cannot ask sysconf without cgo.
const clockTicks = 100

// procSample is what /proc says about a process at one moment: CPU time of
// all its threads, and its read and write system calls so far.
type procSample struct {
	cpuSeconds float64 // time on a CPU, every thread (see threadsRunTime)
	syscr      int64   // read-like system calls (read, readv, recvmsg, ...)
	syscw      int64   // write-like system calls (write, writev, sendmsg, ...)
	ok         bool
}

// sampleProc reads /proc/PID/stat and /proc/PID/io. A missing or unreadable
// file (pid 0, another user's process) gives ok = false, never an error: the
// figures are then left out of the result.
func sampleProc(pid int) procSample {
	if pid <= 0 {
		return procSample{}
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return procSample{}
	}
	// "pid (comm) state ppid ...": comm may hold spaces, so count fields
	// after its closing parenthesis; utime and stime are fields 14 and 15.
	rest := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	if len(rest) < 13 {
		return procSample{}
	}
	utime, err1 := strconv.ParseInt(rest[11], 10, 64)
	stime, err2 := strconv.ParseInt(rest[12], 10, 64)
	if err1 != nil || err2 != nil {
		return procSample{}
	}
	io, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/io")
	if err != nil {
		return procSample{}
	}
	s := procSample{cpuSeconds: float64(utime+stime) / clockTicks, ok: true}
	if ns, ok := threadsRunTime(pid); ok {
		s.cpuSeconds = float64(ns) / 1e9
	}
	for _, line := range strings.Split(string(io), "\n") {
		if v, found := strings.CutPrefix(line, "syscr: "); found {
			s.syscr, _ = strconv.ParseInt(v, 10, 64)
		} else if v, found := strings.CutPrefix(line, "syscw: "); found {
			s.syscw, _ = strconv.ParseInt(v, 10, 64)
		}
	}
	return s
}

// procCost is a process's cost over a measured window, per point.
type procCost struct {
	CPUUsPerPoint  float64 `json:"cpuUsPerPoint"`
	ReadsPerPoint  float64 `json:"readsPerPoint"`
	WritesPerPoint float64 `json:"writesPerPoint"`
	CPUSeconds     float64 `json:"cpuSeconds"`
	ReadSyscalls   int64   `json:"readSyscalls"`
	WriteSyscalls  int64   `json:"writeSyscalls"`
}

func costBetween(a, b procSample, points int) (*procCost, error) {
	if !a.ok || !b.ok {
		return nil, nil
	}
	if points <= 0 {
		return nil, fmt.Errorf("no points in the measured window")
	}
	c := &procCost{
		CPUSeconds:    b.cpuSeconds - a.cpuSeconds,
		ReadSyscalls:  b.syscr - a.syscr,
		WriteSyscalls: b.syscw - a.syscw,
	}
	n := float64(points)
	c.CPUUsPerPoint = c.CPUSeconds * 1e6 / n
	c.ReadsPerPoint = float64(c.ReadSyscalls) / n
	c.WritesPerPoint = float64(c.WriteSyscalls) / n
	return c, nil
}

// threadsRunTime sums the time on a CPU of the process's live threads, in
// nanoseconds, from /proc/PID/task/TID/schedstat (its first field). utime +
// stime in /proc/PID/stat come in 10 ms ticks: a cheap UDF (the floor peer
// spends ~20 ms in a 3 s run) would be measured to +-50%. The schedstat
// figures agree with utime + stime within 2% over long runs; a thread that
// ends inside the measured window takes its time with it, which none of the
// measured UDFs does (their threads live as long as the process).
func threadsRunTime(pid int) (int64, bool) {
	return threadsSchedstat(pid, 0)
}

// threadsRunDelay sums the time the process's live threads spent runnable
// but waiting for a CPU (the second schedstat field), in nanoseconds: a
// round trip that took long while this grew was waiting for the scheduler,
// not for the UDF's own code.
func threadsRunDelay(pid int) (int64, bool) {
	return threadsSchedstat(pid, 1)
}

func threadsSchedstat(pid int, field int) (int64, bool) {
	dir := "/proc/" + strconv.Itoa(pid) + "/task"
	tasks, err := os.ReadDir(dir)
	if err != nil || len(tasks) == 0 {
		return 0, false
	}
	var total int64
	for _, t := range tasks {
		b, err := os.ReadFile(dir + "/" + t.Name() + "/schedstat")
		if err != nil {
			continue // the thread ended meanwhile
		}
		f := strings.Fields(string(b))
		if len(f) <= field {
			return 0, false
		}
		ns, err := strconv.ParseInt(f[field], 10, 64)
		if err != nil {
			return 0, false
		}
		total += ns
	}
	return total, true
}
