-- venue_sales_daily (gold): tickets and revenue per venue and sale day.
-- Views: ticket_sales (gold), venue (silver). A sale at a venue the venue table lacks still counts, with no name.
SELECT
  t.venue_id,
  v.venue_name,
  v.venue_city,
  v.venue_state,
  COUNT(*) AS sales_count,
  CAST(SUM(t.qty_sold) AS BIGINT) AS tickets_sold,
  SUM(t.price_paid) AS gross_sales,
  SUM(t.commission) AS commission,
  -- Seats are 0 when unknown: no utilisation rather than a division by zero.
  CAST(SUM(t.qty_sold) AS DOUBLE) / NULLIF(MAX(v.venue_seats), 0) AS seat_utilisation,
  t.sale_date
FROM ticket_sales AS t
LEFT JOIN venue AS v ON v.venue_id = t.venue_id
GROUP BY t.venue_id, v.venue_name, v.venue_city, v.venue_state, t.sale_date
