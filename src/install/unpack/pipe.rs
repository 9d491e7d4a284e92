//! Moving bytes between the threads of an unpack through bounded buffers, so each stage runs
//! on its own core: [`ReadAhead`] reads the archive (the download: socket, sha256, the copy
//! into the cache) on one thread while another inflates it, and [`Spare`] bounds the pieces of
//! large files in flight from the inflating thread to the writers.

use std::io::{self, Read};
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};
use std::thread::Scope;

/// Bytes the reading thread hands over at a time.
const PIECE: usize = 256 * 1024;
/// Pieces that may wait for the inflating thread: with [`PIECE`], 2 MiB read ahead at most.
const AHEAD: usize = 8;

/// A reader fed by a thread that reads `inner` ahead, in [`PIECE`]s, at most [`AHEAD`] of them
/// waiting. The thread stops at the end of `inner`, at its first error (handed on, in order),
/// or once this reader is dropped; it belongs to the scope it was started in.
pub struct ReadAhead {
    pieces: Receiver<io::Result<Vec<u8>>>,
    returned: Sender<Vec<u8>>,
    current: Vec<u8>,
    at: usize,
    /// The error the reading thread stopped with, repeated on every later read.
    failed: Option<(io::ErrorKind, String)>,
}

impl ReadAhead {
    /// Start reading `inner` on a thread of `scope`.
    pub fn start<'scope, R: Read + Send + 'scope>(
        scope: &'scope Scope<'scope, '_>,
        mut inner: R,
    ) -> ReadAhead {
        let (send, pieces) = mpsc::sync_channel::<io::Result<Vec<u8>>>(AHEAD);
        let (returned, recycled) = mpsc::channel::<Vec<u8>>();
        scope.spawn(move || {
            loop {
                let mut piece = recycled.try_recv().unwrap_or_default();
                piece.resize(PIECE, 0);
                let read = loop {
                    match inner.read(&mut piece) {
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        other => break other,
                    }
                };
                let stop = !matches!(read, Ok(n) if n > 0);
                let sent = match read {
                    Ok(0) => Ok(()),
                    Ok(n) => {
                        piece.truncate(n);
                        send.send(Ok(piece))
                    }
                    Err(e) => send.send(Err(e)),
                };
                if stop || sent.is_err() {
                    return;
                }
            }
        });
        ReadAhead {
            pieces,
            returned,
            current: Vec::new(),
            at: 0,
            failed: None,
        }
    }
}

impl Read for ReadAhead {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some((kind, message)) = &self.failed {
            return Err(io::Error::new(*kind, message.clone()));
        }
        while self.at == self.current.len() {
            let next = match self.pieces.recv() {
                Ok(Ok(piece)) => piece,
                Ok(Err(e)) => {
                    self.failed = Some((e.kind(), e.to_string()));
                    return Err(e);
                }
                Err(_) => return Ok(0), // the end of the input
            };
            let done = std::mem::replace(&mut self.current, next);
            let _ = self.returned.send(done);
            self.at = 0;
        }
        let n = buf.len().min(self.current.len() - self.at);
        buf[..n].copy_from_slice(&self.current[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// A fixed set of buffers for the pieces of large files on their way to a writer: taking one
/// waits until a writer gives one back, so at most `count` pieces are in memory at once.
#[derive(Clone)]
pub struct Spare {
    give: SyncSender<Vec<u8>>,
}

/// The taking side of [`Spare`] (the one thread that fills the buffers).
pub struct SpareTaker {
    take: Receiver<Vec<u8>>,
}

/// `count` buffers (allocated when first used).
pub fn spare(count: usize) -> (Spare, SpareTaker) {
    let (give, take) = mpsc::sync_channel(count);
    for _ in 0..count {
        give.send(Vec::new()).expect("room for every buffer");
    }
    (Spare { give }, SpareTaker { take })
}

impl Spare {
    /// Give a buffer back.
    pub fn give(&self, buffer: Vec<u8>) {
        // Never full: only the buffers taken come back.
        let _ = self.give.try_send(buffer);
    }
}

impl SpareTaker {
    /// A buffer, once one is free.
    pub fn take(&self) -> Vec<u8> {
        // `Spare` is held by this side's owner too, so the channel never closes.
        self.take.recv().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hands out `data` a few bytes at a time, then fails if `fail` says so.
    struct Trickle<'a> {
        data: &'a [u8],
        fail: bool,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.data.is_empty() {
                return match self.fail {
                    true => Err(io::Error::other("the mirror went away")),
                    false => Ok(0),
                };
            }
            let n = buf.len().min(self.data.len()).min(7000);
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    /// A read-ahead of `data` arriving in dribs, with an error after it if `fail`.
    fn ahead_of<'scope>(
        scope: &'scope std::thread::Scope<'scope, '_>,
        data: &'scope [u8],
        fail: bool,
    ) -> ReadAhead {
        ReadAhead::start(scope, Trickle { data, fail })
    }

    #[test]
    fn read_ahead_hands_on_every_byte_in_order() {
        let data: Vec<u8> = (0..3 * PIECE + 17).map(|i| (i * 7 % 251) as u8).collect();
        let out = std::thread::scope(|scope| {
            let mut ahead = ahead_of(scope, &data, false);
            let mut out = Vec::new();
            ahead.read_to_end(&mut out).unwrap();
            out
        });
        assert_eq!(out, data);
    }

    #[test]
    fn read_ahead_hands_on_the_error_after_the_bytes_before_it() {
        let data = vec![5u8; PIECE + 3];
        std::thread::scope(|scope| {
            let mut ahead = ahead_of(scope, &data, true);
            let mut out = vec![0u8; data.len()];
            ahead.read_exact(&mut out).unwrap();
            assert_eq!(out, data);
            let e = ahead.read(&mut [0u8; 8]).unwrap_err();
            assert!(e.to_string().contains("went away"), "{e}");
            assert!(ahead.read(&mut [0u8; 8]).is_err(), "the error stays");
        });
    }

    #[test]
    fn a_reader_dropped_early_stops_the_thread() {
        // Far more than fits ahead: the scope only ends if the thread stops.
        let data = vec![1u8; 64 * PIECE];
        std::thread::scope(|scope| {
            let mut ahead = ahead_of(scope, &data, false);
            ahead.read_exact(&mut [0u8; 10]).unwrap();
        });
    }

    #[test]
    fn spare_buffers_are_bounded_and_come_back() {
        let (spare, taker) = spare(2);
        let a = taker.take();
        let b = taker.take();
        assert!(taker.take.try_recv().is_err(), "both are out");
        spare.give(a);
        let _ = taker.take();
        spare.give(b);
        let _ = taker.take();
    }
}
