package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// conn is one conversation with the UDF: a spawned process or a socket connection.
type conn struct {
	w      io.Writer
	r      *frameReader
	closeW func() error // EOF for the UDF: close stdin / half-close the socket
	finish func() error // wait for the UDF to end its side
	pid    int
	sock   *net.UnixConn
	proc   *exec.Cmd
	stdin  io.WriteCloser
}

func open(cfg config) (*conn, error) {
	if cfg.mode == "socket" {
		return dial(cfg)
	}
	return spawn(cfg)
}

func spawn(cfg config) (*conn, error) {
	cmd := exec.Command(cfg.cmd[0], cfg.cmd[1:]...)
	cmd.Dir = cfg.cwd
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("cannot start %s: %v", strings.Join(cfg.cmd, " "), err)
	}
	c := &conn{w: stdin, r: newFrameReader(stdout), pid: cmd.Process.Pid, proc: cmd, stdin: stdin}
	c.closeW = stdin.Close
	c.finish = func() error {
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				return fmt.Errorf("UDF process ended with %v", err)
			}
			return nil
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
			return errors.New("UDF process did not exit within 10s of EOF")
		}
	}
	return c, nil
}

func dial(cfg config) (*conn, error) {
	deadline := time.Now().Add(15 * time.Second)
	for {
		s, err := net.DialUnix("unix", nil, &net.UnixAddr{Name: cfg.socket, Net: "unix"})
		if err == nil {
			c := &conn{w: s, r: newFrameReader(s), pid: cfg.pid, sock: s}
			c.closeW = s.CloseWrite
			c.finish = func() error {
				// The UDF closes its side after EOF; read what is left until then.
				s.SetReadDeadline(time.Now().Add(10 * time.Second))
				for {
					body, err := c.r.next()
					if err == io.EOF {
						s.Close()
						return nil
					}
					if err != nil {
						s.Close()
						return fmt.Errorf("waiting for the UDF to close the connection: %v", err)
					}
					if fieldOf(body) == fieldError {
						s.Close()
						return errorText(body)
					}
				}
			}
			return c, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("cannot connect to %s: %v", cfg.socket, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// abort ends the conversation after a failure without waiting politely.
func (c *conn) abort() {
	if c.proc != nil {
		c.proc.Process.Kill()
		c.proc.Wait()
	}
	if c.sock != nil {
		c.sock.Close()
	}
}

// handshake sends Info (unless skipped) and Init and checks the answers.
func (c *conn) handshake(cfg config, initFrame []byte) error {
	if !cfg.noInfo {
		if _, err := c.w.Write(infoRequest()); err != nil {
			return fmt.Errorf("writing InfoRequest: %v", err)
		}
		if err := c.expect(cfg, fieldInfo, "InfoResponse"); err != nil {
			return err
		}
	}
	if _, err := c.w.Write(initFrame); err != nil {
		return fmt.Errorf("writing InitRequest: %v", err)
	}
	return c.expect(cfg, fieldInit, "InitResponse")
}

func (c *conn) expect(cfg config, field int, what string) error {
	body, err := c.r.next()
	if err != nil {
		return fmt.Errorf("reading %s: %v", what, err)
	}
	got := fieldOf(body)
	if got == fieldError {
		return errorText(body)
	}
	if got != field {
		return fmt.Errorf("expected %s, got response field %d", what, got)
	}
	if cfg.raw {
		return nil
	}
	res, err := decodeResponse(body)
	if err != nil {
		return err
	}
	if init := res.GetInit(); init != nil && !init.Success {
		return fmt.Errorf("Init failed: %s", init.Error)
	}
	return nil
}

// peakRSS reads the high-water mark of resident memory (VmHWM) in KiB.
func peakRSS(pid int) int64 {
	if pid <= 0 {
		return 0
	}
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "VmHWM:") {
			fields := strings.Fields(line)
			if len(fields) >= 2 {
				n, _ := strconv.ParseInt(fields[1], 10, 64)
				return n
			}
		}
	}
	return 0
}
