"""Segment (issue 17): customers and transactions in, RFM and value segments, attribute segments
and a targeting model out; saved segments (a plan's target segments, a post's audience) and
audience files for ad platforms. Beside :mod:`socialops.measure`: neither imports the other."""
