-- ticket_sales (gold): one row per sale, with the 15% broker commission, from the silver sales.
-- Views: sales (silver). The result must be exactly ticket_sales.yaml's columns, then sale_date.
SELECT
  s.sale_id,
  s.list_id,
  s.seller_id,
  s.buyer_id,
  s.event_id,
  s.venue_id,
  s.qty_sold,
  s.price_paid,
  -- decimal(8,2) * 0.15 widens the type: round to cents and cast back to the declared decimal(8,2).
  CAST(ROUND(s.price_paid * 0.15, 2) AS DECIMAL(8,2)) AS commission,
  s.sale_time,
  s.sale_date
FROM sales AS s
