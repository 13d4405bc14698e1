// The floor peer: the least a stream UDF can do with Kapacitor's delivery.
// It answers Info, Init, keepalive, snapshot and restore, and returns every
// point frame unchanged (a point is field 17 in both Request and Response,
// so the request frame is a valid response frame); it decodes nothing else.
// It reads in large buffers and writes what it has when no more input is
// waiting. Its CPU per point is what the bench compares every UDF with.
//
//   floor                 process UDF (stdin/stdout)
//   floor -socket PATH    socket UDF, a thread per connection
//
// Built by the bench with the system C compiler: cc -O2 -pthread.
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define READ_SIZE (256 * 1024)
#define FLUSH_AT (64 * 1024)

// Response frames for the management requests (Response field numbers, empty or success=true bodies).
static const unsigned char INFO[] = {2, 0x0a, 0x00};               // InfoResponse{}: wants and provides stream
static const unsigned char INIT[] = {4, 0x12, 0x02, 0x08, 0x01};   // InitResponse{success: true}
static const unsigned char SNAPSHOT[] = {2, 0x22, 0x00};           // SnapshotResponse{}
static const unsigned char RESTORE[] = {4, 0x2a, 0x02, 0x08, 0x01}; // RestoreResponse{success: true}

struct out {
  int fd;
  unsigned char *buf;
  size_t len, cap;
};

static int put(struct out *o, const void *p, size_t n) {
  if (o->len + n > o->cap) {
    while (o->len + n > o->cap) o->cap *= 2;
    o->buf = realloc(o->buf, o->cap);
    if (!o->buf) return -1;
  }
  memcpy(o->buf + o->len, p, n);
  o->len += n;
  return 0;
}

static int flush(struct out *o) {
  size_t off = 0;
  while (off < o->len) {
    ssize_t w = write(o->fd, o->buf + off, o->len - off);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return -1;
    off += (size_t)w;
  }
  o->len = 0;
  return 0;
}

// Reads a uvarint at p (at most end); returns its length in bytes, 0 if incomplete.
static size_t uvarint(const unsigned char *p, const unsigned char *end, unsigned long long *v) {
  unsigned long long x = 0;
  for (int i = 0, s = 0; p + i < end && i < 10; i++, s += 7) {
    x |= (unsigned long long)(p[i] & 0x7f) << s;
    if (p[i] < 0x80) {
      *v = x;
      return (size_t)i + 1;
    }
  }
  return 0;
}

// One conversation: frames in from `in`, responses out to `outfd`, until EOF.
static void serve(int in, int outfd) {
  unsigned char *buf = malloc(READ_SIZE * 2);
  struct out o = {outfd, malloc(FLUSH_AT * 2), 0, FLUSH_AT * 2};
  size_t have = 0, cap = READ_SIZE * 2;
  for (;;) {
    if (cap - have < READ_SIZE) {
      cap *= 2;
      buf = realloc(buf, cap);
    }
    ssize_t n = read(in, buf + have, cap - have);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    have += (size_t)n;
    unsigned char *p = buf, *end = buf + have;
    for (;;) {
      unsigned long long size, tag;
      size_t h = uvarint(p, end, &size);
      if (h == 0 || (unsigned long long)(end - p - h) < size) break;
      const unsigned char *body = p + h;
      size_t frame = h + (size_t)size;
      if (size == 0 || uvarint(body, body + size, &tag) == 0) goto done;
      switch (tag >> 3) {
        case 17: // point
        case 16: // begin batch
        case 18: // end batch
        case 3:  // keepalive: the response has the same field and body
          put(&o, p, frame);
          break;
        case 1:
          put(&o, INFO, sizeof INFO);
          break;
        case 2:
          put(&o, INIT, sizeof INIT);
          break;
        case 4:
          put(&o, SNAPSHOT, sizeof SNAPSHOT);
          break;
        case 5:
          put(&o, RESTORE, sizeof RESTORE);
          break;
        default:
          goto done;
      }
      p += frame;
    }
    have = (size_t)(end - p);
    memmove(buf, p, have);
    // Write when no more input is waiting (or a good run has built up).
    struct pollfd pfd = {in, POLLIN, 0};
    if (o.len >= FLUSH_AT || poll(&pfd, 1, 0) == 0) {
      if (flush(&o) < 0) break;
    }
  }
done:
  flush(&o);
  free(buf);
  free(o.buf);
}

static void *conversation(void *arg) {
  int fd = (int)(long)arg;
  serve(fd, fd);
  close(fd);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc == 1) {
    serve(0, 1);
    return 0;
  }
  if (argc != 3 || strcmp(argv[1], "-socket") != 0) {
    fprintf(stderr, "usage: floor [-socket PATH]\n");
    return 2;
  }
  int ls = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  strncpy(addr.sun_path, argv[2], sizeof addr.sun_path - 1);
  unlink(argv[2]);
  if (ls < 0 || bind(ls, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(ls, 16) < 0) {
    perror("floor: socket");
    return 1;
  }
  for (;;) {
    int fd = accept(ls, NULL, NULL);
    if (fd < 0) {
      if (errno == EINTR) continue;
      perror("floor: accept");
      return 1;
    }
    pthread_t t;
    if (pthread_create(&t, NULL, conversation, (void *)(long)fd) != 0) {
      close(fd);
      continue;
    }
    pthread_detach(t);
  }
}
