/// Where a collector (the Prometheus scraper, the simulator) hands its events: whole lines of recorded traffic,
/// one JSON object each, without the newline.
///
/// The live service queues them for evaluation, waiting while its queue is full, so a collector slows down
/// instead of losing events; `sentinel simulate` writes them to a file or standard output.
public protocol EventSink: Sendable {
    func submit(_ lines: [String]) async
}
