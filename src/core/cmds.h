/* Command handlers, one line each; the table in dispatch.c says who may call them. */
#ifndef GHOSTBMC_CMDS_H
#define GHOSTBMC_CMDS_H

/* cmd_chassis.c: power, identify, restore policy, restart cause, POH */
cmd_handler_fn cmd_get_chassis_capabilities;
cmd_handler_fn cmd_get_chassis_status;
cmd_handler_fn cmd_chassis_control;
cmd_handler_fn cmd_chassis_identify;
cmd_handler_fn cmd_set_power_restore_policy;
cmd_handler_fn cmd_get_system_restart_cause;
cmd_handler_fn cmd_set_power_cycle_interval;
cmd_handler_fn cmd_get_poh_counter;

/* cmd_boot.c: System Boot Options */
cmd_handler_fn cmd_set_system_boot_options;
cmd_handler_fn cmd_get_system_boot_options;

/* cmd_watchdog.c: the BMC watchdog timer */
cmd_handler_fn cmd_reset_watchdog_timer;
cmd_handler_fn cmd_set_watchdog_timer;
cmd_handler_fn cmd_get_watchdog_timer;

/* cmd_app.c: device and BMC basics, channels, sessions */
cmd_handler_fn cmd_get_device_id;
cmd_handler_fn cmd_cold_reset;
cmd_handler_fn cmd_warm_reset;
cmd_handler_fn cmd_get_self_test_results;
cmd_handler_fn cmd_get_acpi_power_state;
cmd_handler_fn cmd_get_device_guid;
cmd_handler_fn cmd_set_bmc_global_enables;
cmd_handler_fn cmd_get_bmc_global_enables;
cmd_handler_fn cmd_clear_message_flags;
cmd_handler_fn cmd_get_message_flags;
cmd_handler_fn cmd_get_message;
cmd_handler_fn cmd_read_event_message_buffer;
cmd_handler_fn cmd_get_system_guid;
cmd_handler_fn cmd_get_channel_auth_caps;
cmd_handler_fn cmd_get_session_challenge;
cmd_handler_fn cmd_activate_session;
cmd_handler_fn cmd_set_session_privilege;
cmd_handler_fn cmd_close_session;
cmd_handler_fn cmd_get_session_info;
cmd_handler_fn cmd_set_channel_access;
cmd_handler_fn cmd_get_channel_access;
cmd_handler_fn cmd_get_channel_info;
cmd_handler_fn cmd_get_channel_cipher_suites;
cmd_handler_fn cmd_set_channel_security_keys;
cmd_handler_fn cmd_get_system_info_params;

/* cmd_user.c: user accounts */
cmd_handler_fn cmd_set_user_access;
cmd_handler_fn cmd_get_user_access;
cmd_handler_fn cmd_set_user_name;
cmd_handler_fn cmd_get_user_name;
cmd_handler_fn cmd_set_user_password;

/* cmd_payload.c: RMCP+ payloads (SOL activation, payload access) */
cmd_handler_fn cmd_activate_payload;
cmd_handler_fn cmd_deactivate_payload;
cmd_handler_fn cmd_get_payload_activation_status;
cmd_handler_fn cmd_get_payload_instance_info;
cmd_handler_fn cmd_set_user_payload_access;
cmd_handler_fn cmd_get_user_payload_access;
cmd_handler_fn cmd_get_channel_payload_support;
cmd_handler_fn cmd_get_channel_payload_version;

/* cmd_sol.c: SOL configuration parameters */
cmd_handler_fn cmd_set_sol_config;
cmd_handler_fn cmd_get_sol_config;

/* cmd_transport.c: LAN configuration parameters */
cmd_handler_fn cmd_set_lan_config;
cmd_handler_fn cmd_get_lan_config;

/* cmd_sensor.c: sensor readings, thresholds, events; device SDR info */
cmd_handler_fn cmd_get_device_sdr_info;
cmd_handler_fn cmd_get_sensor_reading_factors;
cmd_handler_fn cmd_set_sensor_hysteresis;
cmd_handler_fn cmd_get_sensor_hysteresis;
cmd_handler_fn cmd_set_sensor_thresholds;
cmd_handler_fn cmd_get_sensor_thresholds;
cmd_handler_fn cmd_set_sensor_event_enable;
cmd_handler_fn cmd_get_sensor_event_enable;
cmd_handler_fn cmd_rearm_sensor_events;
cmd_handler_fn cmd_get_sensor_event_status;
cmd_handler_fn cmd_get_sensor_reading;
cmd_handler_fn cmd_get_sensor_type;

/* cmd_fru.c: FRU inventory */
cmd_handler_fn cmd_get_fru_inventory_area_info;
cmd_handler_fn cmd_read_fru_data;
cmd_handler_fn cmd_write_fru_data;

/* cmd_storage.c: SDR repository and SEL */
cmd_handler_fn cmd_get_sdr_repo_info;
cmd_handler_fn cmd_get_sdr_repo_alloc_info;
cmd_handler_fn cmd_reserve_sdr_repo;
cmd_handler_fn cmd_get_sdr;
cmd_handler_fn cmd_get_sdr_repo_time;
cmd_handler_fn cmd_get_sel_info;
cmd_handler_fn cmd_get_sel_alloc_info;
cmd_handler_fn cmd_reserve_sel;
cmd_handler_fn cmd_get_sel_entry;
cmd_handler_fn cmd_add_sel_entry;
cmd_handler_fn cmd_partial_add_sel_entry;
cmd_handler_fn cmd_delete_sel_entry;
cmd_handler_fn cmd_clear_sel;
cmd_handler_fn cmd_get_sel_time;
cmd_handler_fn cmd_set_sel_time;
cmd_handler_fn cmd_get_sel_utc_offset;
cmd_handler_fn cmd_set_sel_utc_offset;

#endif
