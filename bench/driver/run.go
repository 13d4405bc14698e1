package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"time"

	"github.com/influxdata/kapacitor/udf/agent"
	"google.golang.org/protobuf/proto"
)

// runResult is one conversation's measurement.
type runResult struct {
	Points       int     `json:"points"`
	Seconds      float64 `json:"seconds"`
	PointsPerSec float64 `json:"pointsPerSec"`
	PointsBack   int     `json:"pointsBack"`
	BatchesBack  int     `json:"batchesBack"`
	PeakRSSKB    int64   `json:"peakRssKB"`
	// The UDF process's cost in the measured window, from /proc (absent
	// when /proc cannot be read): CPU time of all its threads and its read
	// and write system calls, per point sent.
	UDF *procCost `json:"udf,omitempty"`
}

type output struct {
	Kind       string      `json:"kind"`
	Mode       string      `json:"mode"`
	Delivery   string      `json:"delivery"`
	Rate       float64     `json:"offeredRate,omitempty"`
	Determ     bool        `json:"deterministic"`
	BytesPerPt float64     `json:"bytesPerPoint"`
	EncodeSecs float64     `json:"encodeSeconds"`
	Runs       []runResult `json:"runs,omitempty"`
	Latency    *latency    `json:"latency,omitempty"`
}

type latency struct {
	Count    int     `json:"count"`
	MedianUs float64 `json:"medianUs"`
	P90Us    float64 `json:"p90Us"`
	P99Us    float64 `json:"p99Us"`
	P999Us   float64 `json:"p999Us"`
	MaxUs    float64 `json:"maxUs"`
	MinUs    float64 `json:"minUs"`
	// Every round trip in µs, in the order measured (-latency-samples), so
	// that the runner can pool rounds before taking percentiles.
	SamplesUs []float64 `json:"samplesUs,omitempty"`
	// With -latency-samples: per round trip, how long the UDF's threads
	// waited for a CPU while it ran (/proc schedstat run delay), in µs.
	RunDelayUs []float64 `json:"runDelayUs,omitempty"`
	// With -latency-samples: per round trip, the UDF threads' time on a CPU, µs.
	RunTimeUs []float64 `json:"runTimeUs,omitempty"`
	// With -latency-samples: per round trip, the driver's own wait for a CPU, µs.
	DriverDelayUs []float64 `json:"driverDelayUs,omitempty"`
}

// checkEvery is how often a returned point is fully decoded and checked, so
// that a UDF sending garbage fails without making the driver the bottleneck.
const checkEvery = 4096

func run(cfg config) (*output, error) {
	s := shape{tags: cfg.tags, fields: cfg.fields, groups: cfg.groups}
	initFrame, err := initRequest(cfg.opts)
	if err != nil {
		return nil, err
	}
	out := &output{Kind: cfg.kind, Mode: cfg.mode, Delivery: cfg.delivery, Rate: cfg.rate, Determ: deterministic}
	if cfg.latency > 0 {
		lat, err := runLatency(cfg, s, initFrame)
		if err != nil {
			return nil, err
		}
		out.Latency = lat
		return out, nil
	}

	began := time.Now()
	// The warm-up points come first in one continuous sequence (timestamps go
	// on rising into the measured part); a batch warm-up is whole batches.
	warmup := cfg.warmup
	if cfg.kind == "batch" && warmup%cfg.batchSize != 0 {
		warmup += cfg.batchSize - warmup%cfg.batchSize
	}
	var all []byte
	batches, warmBatches := 0, 0
	if cfg.kind == "batch" {
		all, batches = s.batchFrames(warmup+cfg.points, cfg.batchSize)
		warmBatches = warmup / cfg.batchSize
		batches -= warmBatches
	} else {
		all = s.streamFrames(warmup + cfg.points)
	}
	framesBefore := warmup
	if cfg.kind == "batch" {
		framesBefore = warmBatches * (cfg.batchSize + 2) // BeginBatch, points, EndBatch
	}
	split := frameOffset(all, framesBefore)
	warm, data := all[:split], all[split:]
	out.EncodeSecs = time.Since(began).Seconds()
	out.BytesPerPt = float64(len(data)) / float64(cfg.points)

	for i := 0; i < cfg.runs; i++ {
		r, err := runOnce(cfg, initFrame, warm, warmup, warmBatches, data, batches)
		if err != nil {
			return nil, fmt.Errorf("run %d: %v", i+1, err)
		}
		out.Runs = append(out.Runs, *r)
	}
	return out, nil
}

// frameOffset returns the byte offset just after the first n frames of buf.
func frameOffset(buf []byte, n int) int {
	off := 0
	for i := 0; i < n; i++ {
		size, k := uvarint(buf[off:])
		off += k + int(size)
	}
	return off
}

func runOnce(cfg config, initFrame, warm []byte, warmPoints, warmBatches int, data []byte, batches int) (*runResult, error) {
	c, err := open(cfg)
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			c.abort()
		}
	}()
	if err := c.handshake(cfg, initFrame); err != nil {
		return nil, err
	}

	// A watchdog ends a run that hangs (a UDF that stopped answering).
	timedOut := make(chan struct{})
	watchdog := time.AfterFunc(cfg.timeout, func() { close(timedOut); c.abort() })
	defer watchdog.Stop()

	// Warm-up: a UDF is a long-running process, so the measured window
	// starts once warmPoints points (or warmBatches batches) came back over
	// the same process or connection, JIT and buffers warm.
	if len(warm) > 0 {
		if _, err := pump(cfg, c, timedOut, warm, warmPoints, warmBatches, 0); err != nil {
			return nil, fmt.Errorf("warm-up: %v", err)
		}
	}

	if cfg.readPause > 0 {
		c.r.pausedTil = time.Now().Add(cfg.readPause)
	}
	c.r.rate = cfg.readRate

	before := sampleProc(c.pid)
	start := time.Now()
	res, err := pump(cfg, c, timedOut, data, cfg.points, batches, cfg.rate)
	if err != nil {
		return nil, err
	}
	elapsed := time.Since(start)
	if res.UDF, err = costBetween(before, sampleProc(c.pid), cfg.points); err != nil {
		return nil, err
	}
	res.Seconds = elapsed.Seconds()
	res.PointsPerSec = float64(cfg.points) / elapsed.Seconds()
	res.PeakRSSKB = peakRSS(c.pid)
	watchdog.Stop()

	if err := c.closeW(); err != nil {
		return nil, fmt.Errorf("sending EOF: %v", err)
	}
	if err := c.finish(); err != nil {
		return nil, err
	}
	ok = true
	return res, nil
}

// pump writes data and reads until every point (stream) or every EndBatch
// (batch) of it came back, and until the writing finished.
// The warm-up is delivered the same way as the data, without pacing (rate 0).
func pump(cfg config, c *conn, timedOut chan struct{}, data []byte, points, batches int, rate float64) (*runResult, error) {
	writeErr := make(chan error, 1)
	go func() { writeErr <- deliver(cfg, c.w, data, rate) }()

	res := &runResult{Points: points}
	for {
		if cfg.kind == "stream" && res.PointsBack >= points {
			break
		}
		if cfg.kind == "batch" && res.BatchesBack >= batches {
			break
		}
		body, err := c.r.next()
		if err != nil {
			select {
			case <-timedOut:
				return nil, fmt.Errorf("timed out after %s with %d points and %d batches back", cfg.timeout, res.PointsBack, res.BatchesBack)
			default:
			}
			if err == io.EOF {
				err = fmt.Errorf("UDF closed its output early (%d points, %d batches back)", res.PointsBack, res.BatchesBack)
			}
			select {
			case werr := <-writeErr:
				if werr != nil {
					err = fmt.Errorf("%v; writing: %v", err, werr)
				}
			default:
			}
			return nil, err
		}
		switch fieldOf(body) {
		case fieldPoint:
			res.PointsBack++
			if res.PointsBack%checkEvery == 1 {
				if err := checkPoint(body); err != nil {
					return nil, err
				}
			}
		case fieldEnd:
			res.BatchesBack++
		case fieldError:
			return nil, errorText(body)
		}
	}
	if err := <-writeErr; err != nil {
		return nil, err
	}
	return res, nil
}

// checkPoint decodes a returned point and checks it is a cpu point with fields.
func checkPoint(body []byte) error {
	res := &agent.Response{}
	if err := proto.Unmarshal(body, res); err != nil {
		return fmt.Errorf("returned point does not decode: %v", err)
	}
	p := res.GetPoint()
	if p == nil || p.Name != "cpu" || len(p.FieldsDouble) == 0 || p.Time < baseTime {
		return fmt.Errorf("returned point is not a cpu point with double fields: %v", p)
	}
	return nil
}

// runLatency sends one point at a time and times each round trip.
func runLatency(cfg config, s shape, initFrame []byte) (*latency, error) {
	// -warmup points first, delivered as the section's other runs deliver
	// them and waited for (a long-running UDF has seen many points: its JIT
	// is warm), then the paced warm-up round trips, then the measured ones.
	bulk := cfg.warmup
	warmup := cfg.latencyWarmup
	total := warmup + cfg.latency
	frames := make([][]byte, total)
	for i := range frames {
		frames[i] = frame(&agent.Request{Message: &agent.Request_Point{Point: s.point(bulk+i, (bulk+i)%s.groups)}})
	}
	c, err := open(cfg)
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			c.abort()
		}
	}()
	if err := c.handshake(cfg, initFrame); err != nil {
		return nil, err
	}
	timedOut := make(chan struct{})
	watchdog := time.AfterFunc(cfg.timeout, func() { close(timedOut); c.abort() })
	defer watchdog.Stop()
	if bulk > 0 {
		if _, err := pump(cfg, c, timedOut, s.streamFrames(bulk), bulk, 0, 0); err != nil {
			return nil, fmt.Errorf("warm-up: %v", err)
		}
	}
	rtts := make([]float64, 0, cfg.latency)
	var delays, runs, own []float64
	self := os.Getpid()
	for i, f := range frames {
		var d0, r0, s0 int64
		if cfg.latencySamples {
			d0, _ = threadsRunDelay(c.pid)
			r0, _ = threadsRunTime(c.pid)
			s0, _ = threadsRunDelay(self)
		}
		t0 := time.Now()
		if err := deliver(cfg, c.w, f, 0); err != nil {
			return nil, fmt.Errorf("writing point %d: %v", i, err)
		}
		for {
			body, err := c.r.next()
			if err != nil {
				return nil, fmt.Errorf("waiting for point %d: %v", i, err)
			}
			if fieldOf(body) == fieldError {
				return nil, errorText(body)
			}
			if fieldOf(body) == fieldPoint {
				break
			}
		}
		if i >= warmup {
			rtts = append(rtts, float64(time.Since(t0).Nanoseconds())/1000)
			if cfg.latencySamples {
				d1, _ := threadsRunDelay(c.pid)
				r1, _ := threadsRunTime(c.pid)
				s1, _ := threadsRunDelay(self)
				own = append(own, float64(s1-s0)/1000)
				delays = append(delays, float64(d1-d0)/1000)
				runs = append(runs, float64(r1-r0)/1000)
			}
		}
		if cfg.interval > 0 {
			time.Sleep(cfg.interval)
		}
	}
	watchdog.Stop()
	if err := c.closeW(); err != nil {
		return nil, err
	}
	if err := c.finish(); err != nil {
		return nil, err
	}
	ok = true
	var samples []float64
	if cfg.latencySamples {
		samples = append(samples, rtts...)
	}
	sort.Float64s(rtts)
	at := func(q float64) float64 { return rtts[int(q*float64(len(rtts)-1))] }
	return &latency{
		Count: len(rtts), MedianUs: at(0.5), P90Us: at(0.9), P99Us: at(0.99), P999Us: at(0.999),
		MaxUs: rtts[len(rtts)-1], MinUs: rtts[0], SamplesUs: samples, RunDelayUs: delays, RunTimeUs: runs, DriverDelayUs: own,
	}, nil
}
