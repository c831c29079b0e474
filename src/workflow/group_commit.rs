//! Group commit: many writers, one flush. Each caller waits until its item is
//! on disk, but items that arrive while a flush is running share the next one,
//! so a thousand concurrent creates cost a few dozen `fsync`s, not a thousand.

use std::io;
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

/// The largest group written at once.
const MAX_GROUP: usize = 4096;

type Sink<T> = Arc<dyn Fn(Vec<T>) -> io::Result<()> + Send + Sync>;
type Ack = oneshot::Sender<Result<(), String>>;

/// Hands items to a background task that writes them in groups through `sink`
/// (called on a blocking thread). Needs a tokio runtime.
pub struct GroupCommit<T> {
    tx: mpsc::UnboundedSender<(T, Ack)>,
}

impl<T> std::fmt::Debug for GroupCommit<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("GroupCommit")
    }
}

impl<T: Send + 'static> GroupCommit<T> {
    pub fn new(sink: impl Fn(Vec<T>) -> io::Result<()> + Send + Sync + 'static) -> Self {
        let sink: Sink<T> = Arc::new(sink);
        let (tx, mut rx) = mpsc::unbounded_channel::<(T, Ack)>();
        tokio::spawn(async move {
            while let Some(first) = rx.recv().await {
                let mut items = vec![first.0];
                let mut acks = vec![first.1];
                while items.len() < MAX_GROUP {
                    match rx.try_recv() {
                        Ok((item, ack)) => {
                            items.push(item);
                            acks.push(ack);
                        }
                        Err(_) => break,
                    }
                }
                let sink = sink.clone();
                let result = match tokio::task::spawn_blocking(move || sink(items)).await {
                    Ok(r) => r.map_err(|e| e.to_string()),
                    Err(e) => Err(format!("the writer stopped: {e}")),
                };
                for ack in acks {
                    let _ = ack.send(result.clone());
                }
            }
        });
        GroupCommit { tx }
    }

    /// Returns once `item` has been written (with the others of its group).
    pub async fn commit(&self, item: T) -> Result<(), String> {
        let (ack, done) = oneshot::channel();
        self.tx
            .send((item, ack))
            .map_err(|_| "the writer stopped".to_string())?;
        done.await
            .unwrap_or_else(|_| Err("the writer stopped".to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn groups_concurrent_items_and_reports_errors() {
        let groups = Arc::new(Mutex::new(Vec::<usize>::new()));
        let seen = groups.clone();
        let gc = Arc::new(GroupCommit::new(move |items: Vec<u32>| {
            std::thread::sleep(std::time::Duration::from_millis(5));
            seen.lock().unwrap().push(items.len());
            if items.contains(&13) {
                return Err(io::Error::other("unlucky"));
            }
            Ok(())
        }));
        let mut tasks = Vec::new();
        for i in 0..200u32 {
            let gc = gc.clone();
            tasks.push(tokio::spawn(async move { gc.commit(i).await }));
        }
        let mut failed = 0;
        for t in tasks {
            if t.await.unwrap().is_err() {
                failed += 1;
            }
        }
        let groups = groups.lock().unwrap();
        assert_eq!(groups.iter().sum::<usize>(), 200);
        assert!(groups.len() < 200, "{} groups", groups.len());
        // Every item of the group holding 13 learned that its write failed.
        assert!(failed >= 1);
    }
}
