package harness

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// OurProcess runs one of our UDFs as a process UDF, the way the repository
// documents it for kapacitor.conf: `node .../udf-run.js <name> [args]`
// started in the example's folder, where udf-run finds the example's UDFs.
func OurProcess(t testing.TB, exampleDir, udfName string, args ...string) Launcher {
	t.Helper()
	cli := CLIPath(t)
	dir := ExampleDir(t, exampleDir)
	return Process("udf-run "+udfName+" (process, in examples/"+exampleDir+")",
		SpecInDir(dir, "node", append([]string{cli, udfName}, args...)...))
}

// OurSocket starts `udf-run <name> --socket <path>` in the example's folder,
// waits until it accepts connections, and returns the socket launcher. The
// server is stopped with SIGTERM when the test ends.
func OurSocket(t testing.TB, exampleDir, udfName string) Launcher {
	t.Helper()
	cli := CLIPath(t)
	dir := ExampleDir(t, exampleDir)
	path := filepath.Join(shortTempDir(t), udfName+".sock")
	StartSocketServer(t, dir, "node", cli, udfName, "--socket", path)
	return Socket("udf-run "+udfName+" --socket (in examples/"+exampleDir+")", path)
}

// shortTempDir is a fresh directory with a short path: a unix socket path
// must fit in 108 bytes, which t.TempDir() under a long test name may not.
func shortTempDir(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "kudf")
	if err != nil {
		t.Fatalf("cannot create a temporary directory: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// StartSocketServer starts a socket UDF server (a long-running program of its
// own, as in Kapacitor's socket-UDF guide, not something Kapacitor starts)
// and waits until a connection to the socket path (the last argument after
// --socket / -socket) succeeds.
func StartSocketServer(t testing.TB, dir, prog string, args ...string) {
	t.Helper()
	path := args[len(args)-1]
	var output lockedBuffer
	cmd := exec.Command(prog, args...)
	cmd.Dir = dir
	cmd.Stdout = &output
	cmd.Stderr = &output
	if err := cmd.Start(); err != nil {
		t.Fatalf("cannot start the socket server %s %v: %v", prog, args, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-exited:
			if err != nil {
				t.Logf("socket server exited after SIGTERM with %v; its output:\n%s", err, output.String())
			}
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
			t.Errorf("socket server %s %v did not exit within 10s of SIGTERM; its output:\n%s", prog, args, output.String())
		}
	})

	// Wait for the socket file rather than probing with a connection: every
	// connection is a conversation for the server. Should the file appear a
	// moment before the server listens, kapacitor's socket Open retries the
	// dial with backoff, as it does for kapacitord.
	deadline := time.Now().Add(30 * time.Second)
	for {
		if info, err := os.Stat(path); err == nil && info.Mode()&os.ModeSocket != 0 {
			return
		}
		select {
		case err := <-exited:
			exited <- err
			t.Fatalf("socket server %s %v exited before listening on %s (%v); its output:\n%s", prog, args, path, err, output.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("socket server %s %v did not create the socket %s within 30s; its output:\n%s",
				prog, args, path, output.String())
		}
	}
}

// lockedBuffer collects a child's output written from exec's copy goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
