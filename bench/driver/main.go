// Command driver is the benchmark's stand-in for Kapacitor: it speaks the UDF
// protocol from Kapacitor's side (Info, Init, data, EOF) to a UDF over a
// process (stdin/stdout) or a unix socket, and measures how fast points come
// back.
//
// The data frames are encoded before the clock starts, so the driver spends
// its time only copying bytes and scanning the response frame headers: it is
// meant never to be the bottleneck (a `cat` peer shows its ceiling).
//
// It prints one JSON object on stdout; the runner (bench/run.js) reads it.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"
)

// config holds everything the flags set.
type config struct {
	mode           string // "process" or "socket"
	socket         string
	pid            int // the socket server's pid, for its peak RSS
	cwd            string
	cmd            []string
	kind           string // "stream" or "batch"
	points         int
	warmup         int // points sent and echoed over the same conversation before the clock starts
	batchSize      int
	runs           int
	tags           int
	fields         int
	groups         int
	opts           optionFlags
	raw            bool // the peer echoes requests (cat, frame-echo): don't decode the handshake
	noInfo         bool
	readPause      time.Duration
	readRate       float64 // bytes per second the reader accepts, 0 = as fast as it can
	latency        int     // > 0: latency mode with this many single-point round trips
	interval       time.Duration
	latencySamples bool // latency mode: also print every round trip
	latencyWarmup  int  // latency mode: round trips before the measured ones
	timeout        time.Duration
	writeChunk     int
	delivery       string  // "bulk" or "kapacitor" (see delivery.go)
	rate           float64 // points per second offered in kapacitor delivery; 0 = as fast as the UDF takes them
}

func main() {
	cfg := parseFlags()
	out, err := run(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "driver:", err)
		json.NewEncoder(os.Stdout).Encode(map[string]string{"error": err.Error()})
		os.Exit(1)
	}
	json.NewEncoder(os.Stdout).Encode(out)
}

func parseFlags() config {
	var cfg config
	flag.StringVar(&cfg.mode, "mode", "process", "process (spawn the command after --) or socket")
	flag.StringVar(&cfg.socket, "socket", "", "unix socket path (socket mode)")
	flag.IntVar(&cfg.pid, "pid", 0, "pid of the socket server, to read its peak RSS")
	flag.StringVar(&cfg.cwd, "cwd", "", "working directory for the spawned UDF")
	flag.StringVar(&cfg.kind, "kind", "stream", "stream (lone points) or batch (BeginBatch, points, EndBatch)")
	flag.IntVar(&cfg.points, "points", 100000, "points per run")
	flag.IntVar(&cfg.warmup, "warmup", 0, "points sent (and waited for) before the measured window, over the same process or connection; whole batches in batch kind")
	flag.IntVar(&cfg.batchSize, "batch-size", 1000, "points per batch (batch kind)")
	flag.IntVar(&cfg.runs, "runs", 1, "conversations to run one after another (a new process or connection each)")
	flag.IntVar(&cfg.tags, "tags", 3, "tags per point")
	flag.IntVar(&cfg.fields, "fields", 2, "double fields per point")
	flag.IntVar(&cfg.groups, "groups", 100, "distinct series (host tag values)")
	flag.Var(&cfg.opts, "opt", "Init option name:type:value (type string|int|double|bool|duration); repeatable")
	flag.BoolVar(&cfg.raw, "raw", false, "peer echoes the requests back: check only the frame kinds of the handshake")
	flag.BoolVar(&cfg.noInfo, "no-info", false, "skip the InfoRequest")
	flag.DurationVar(&cfg.readPause, "read-pause", 0, "slow reader: read nothing for this long after the data starts")
	flag.Float64Var(&cfg.readRate, "read-rate", 0, "slow reader: accept at most this many bytes per second (0 = unlimited)")
	flag.IntVar(&cfg.latency, "latency", 0, "latency mode: this many single-point round trips (plus warm-up)")
	flag.IntVar(&cfg.latencyWarmup, "latency-warmup", 500, "latency mode: round trips (same pacing) before the measured ones (after -warmup points, delivered unpaced)")
	flag.BoolVar(&cfg.latencySamples, "latency-samples", false, "latency mode: also print every round trip (µs) as samplesUs")
	flag.DurationVar(&cfg.interval, "interval", time.Millisecond, "latency mode: pause between round trips")
	flag.DurationVar(&cfg.timeout, "timeout", 120*time.Second, "give up a run after this long")
	flag.IntVar(&cfg.writeChunk, "write-chunk", 64*1024, "bytes per write call (bulk delivery)")
	flag.StringVar(&cfg.delivery, "delivery", deliveryBulk, "bulk (large writes) or kapacitor (each frame as Kapacitor writes it: prefix, then body, one point at a time)")
	flag.Float64Var(&cfg.rate, "rate", 0, "kapacitor delivery: offer this many points per second (0 = as fast as the UDF takes them)")
	flag.BoolVar(&deterministic, "deterministic", false, "sort map entries by key (Kapacitor does not: its frames have a random entry order)")
	flag.Parse()
	cfg.cmd = flag.Args()
	if cfg.mode == "process" && len(cfg.cmd) == 0 {
		fail("process mode needs the UDF command after --")
	}
	if cfg.mode == "socket" && cfg.socket == "" {
		fail("socket mode needs -socket PATH")
	}
	if cfg.mode != "process" && cfg.mode != "socket" {
		fail("-mode must be process or socket")
	}
	if cfg.delivery != deliveryBulk && cfg.delivery != deliveryKapacitor {
		fail("-delivery must be bulk or kapacitor")
	}
	if cfg.rate < 0 || (cfg.rate > 0 && cfg.delivery != deliveryKapacitor) {
		fail("-rate needs -delivery kapacitor and a positive number of points per second")
	}
	if cfg.kind != "stream" && cfg.kind != "batch" {
		fail("-kind must be stream or batch")
	}
	return cfg
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "driver:", msg)
	os.Exit(2)
}

// optionFlags collects repeated -opt name:type:value flags.
type optionFlags []string

func (o *optionFlags) String() string     { return strings.Join(*o, ",") }
func (o *optionFlags) Set(v string) error { *o = append(*o, v); return nil }
