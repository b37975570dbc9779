-- summary: CUCM's "Partially Registered" device state (TechNote 217220): the registrar's state row
-- keeps how many of the device's lines are bound, of how many it owns.
--
-- sip_device_state.state is an integer code (0003_sip.sql); code 4 = Partially Registered needs no
-- schema change, but the admin needs to see how partial: "lines=1/2". The history text gains the
-- same two numbers at the end of a row ("... ip port bound total"); rows written before this
-- migration have none and read as 0 0.
ALTER TABLE sip_device_state ADD COLUMN lines_bound INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sip_device_state ADD COLUMN lines_total INTEGER NOT NULL DEFAULT 0;
