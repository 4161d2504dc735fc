// Reads an .ics file with ical.js as a calendar client does (its VTIMEZONEs registered first)
// and prints what it understood of each event, as JSON, for tests/test_icaljs.py.
import fs from "node:fs";
import ICAL from "ical.js";

const calendar = new ICAL.Component(ICAL.parse(fs.readFileSync(process.argv[2], "utf8")));
for (const zone of calendar.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(zone);
}
const events = calendar.getAllSubcomponents("vevent").map((component) => {
  const event = new ICAL.Event(component);
  return {
    uid: event.uid,
    summary: event.summary,
    allDay: event.startDate.isDate,
    start: event.startDate.isDate
      ? event.startDate.toString()
      : event.startDate.toJSDate().toISOString(),
    end: event.endDate.isDate ? event.endDate.toString() : event.endDate.toJSDate().toISOString(),
    zone: event.startDate.isDate ? null : event.startDate.zone.tzid,
    alarms: component.getAllSubcomponents("valarm").map((alarm) => ({
      action: alarm.getFirstPropertyValue("action"),
      seconds: alarm.getFirstPropertyValue("trigger").toSeconds(),
    })),
  };
});
console.log(JSON.stringify(events));
