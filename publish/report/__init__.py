"""What people read about the campaign: status rows, metrics, history, previews, the
private report."""
